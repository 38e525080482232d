/**
 * What the bridge tooling reads from L1 about batches and the priority queue. `rollup` is
 * a Contract with BRIDGE_ABI; `fromBlock` is the rollup's deployment block.
 */
import { type Contract, getAddress } from "ethers";
import { type BatchRoots, committedBatch, genesisRoots, rootsArg } from "../contracts/client/batch-roots.ts";
import { committedSettlement, settlementRoots } from "../contracts/client/settlements.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { parseOperationQueued, QueueKind, type QueuedOperation } from "./l1-operations.ts";

/** Bit 255 of a batch's proof slot: its proof verified (contracts/rollup/RollupStorage.sol). */
const PROVEN = 1n << 255n;

export interface BatchProgress {
  readonly committed: boolean;
  readonly proven: boolean;
  readonly final: boolean;
}

/** How far entry `n` got on L1. */
export async function batchProgress(rollup: Contract, n: number): Promise<BatchProgress> {
  const [head, slot, finalized] = await Promise.all([
    rollup.getFunction("head")(),
    rollup.getFunction("batch")(n),
    rollup.getFunction("lastFinalizedBatch")(),
  ]);
  const committed = BigInt(n) <= head.lastCommitted;
  return {
    committed,
    proven: committed && (BigInt(slot.proofSlot) & PROVEN) !== 0n,
    final: BigInt(n) <= finalized,
  };
}

/**
 * The roots L1 stores for entry `n` (a batch, a reward settlement, or genesis), read from its
 * commit and checked against the stored hash: what freeze takes.
 */
export async function entryRoots(rollup: Contract, n: number, fromBlock: number): Promise<BatchRoots> {
  if (n === 0) return genesisRootsOf(rollup, fromBlock);
  const settlementLogs = await rollup.queryFilter(rollup.filters.SettlementCommitted!(n), fromBlock);
  if (settlementLogs.length > 0) {
    // A settlement's roots carry the queue where the entry before it left it.
    const { queueEnd } = await entryRoots(rollup, n - 1, fromBlock);
    const s = await committedSettlement(rollup, n, queueEnd, fromBlock);
    if (s) return settlementRoots(s.postStateRoot, queueEnd);
  }
  const b = await committedBatch(rollup, n, fromBlock);
  if (!b) throw new OpenLedgerError(ErrorCode.NotFinal, `entry ${n} is not committed on L1`);
  return b.roots;
}

/**
 * Genesis' roots: L1 keeps only their hash, and the genesis state root is the pre-state root
 * of batch 1's commitBatch call (or the committed root while nothing is committed).
 */
async function genesisRootsOf(rollup: Contract, fromBlock: number): Promise<BatchRoots> {
  const head = await rollup.getFunction("head")();
  if (head.lastCommitted === 0n)
    return genesisRoots(BigInt(await rollup.getFunction("committedStateRoot")()));
  const first = await committedBatch(rollup, 1, fromBlock);
  const tx = first && (await rollup.runner!.provider!.getTransaction(first.l1TxHash));
  const call = tx && rollup.interface.parseTransaction({ data: tx.data });
  const roots = call?.name === "commitBatch" ? genesisRoots(BigInt(call.args[0].preStateRoot)) : undefined;
  if (!roots || !(await rollup.getFunction("isBatchRoots")(0, rootsArg(roots)))) {
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      "genesis' roots cannot be read from batch 1's commit (a contract wallet sent it?): no entry to freeze against",
    );
  }
  return roots;
}

/** The deposits and forced withdrawals `address` sent to the L1 queue, in queue order. */
export async function queuedOperationsOf(
  rollup: Contract,
  address: string,
  fromBlock: number,
): Promise<QueuedOperation[]> {
  const sender = BigInt(getAddress(address));
  const logs = await rollup.queryFilter(rollup.filters.OperationQueued!(), fromBlock);
  const ops: QueuedOperation[] = [];
  for (const log of logs) {
    const parsed = rollup.interface.parseLog(log);
    if (!parsed) continue;
    const op = parseOperationQueued(parsed, log);
    const mine = op.kind === QueueKind.Deposit || op.kind === QueueKind.ForcedWithdrawal;
    if (mine && op.words[0] === sender) ops.push(op);
  }
  return ops;
}

/** Once frozen: the first queue operation no finalized batch processed (RollupFrozen). */
export async function frozenQueueEnd(rollup: Contract, fromBlock: number): Promise<bigint | undefined> {
  if (!(await rollup.getFunction("head")()).frozen) return undefined;
  const [log] = await rollup.queryFilter(rollup.filters.RollupFrozen!(), fromBlock);
  if (!log || !("args" in log)) {
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      `the rollup is frozen but no RollupFrozen event from block ${fromBlock} says where`,
    );
  }
  return BigInt(log.args.expiredOperation);
}

/** The L1 block time now (unix seconds): deadlines compare against it, not the local clock. */
export async function l1Now(rollup: Contract): Promise<bigint> {
  const block = await rollup.runner!.provider!.getBlock("latest");
  return BigInt(block!.timestamp);
}
