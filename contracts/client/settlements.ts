/**
 * Reward settlements in the rollup's entry chain (docs/protocol.md §11.5): the arguments of
 * commitSettlement, and a committed settlement as its SettlementCommitted event gives it.
 */
import { type Contract, getBytes, hexlify, toBeHex } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { encodeSettlementData } from "../../protocol/rewards/encoding.ts";
import type { Settlement } from "../../protocol/rewards/settlement.ts";
import { type BatchRoots, batchRootsHash, rootsArg } from "./batch-roots.ts";

export interface SettlementCommitmentFields {
  readonly batchIndex: bigint;
  readonly preStateRoot: bigint;
  readonly postStateRoot: bigint;
  readonly scoresCommitment: bigint;
  readonly settlement: Omit<Settlement, "treasuryAccount">;
}

/** commitSettlement's four arguments. */
export function commitSettlementArgs(c: SettlementCommitmentFields, circuitId: number, epochEnd: BatchRoots) {
  return [
    {
      batchIndex: c.batchIndex,
      epoch: c.settlement.epoch,
      model: c.settlement.model,
      preStateRoot: toBeHex(c.preStateRoot, 32),
      postStateRoot: toBeHex(c.postStateRoot, 32),
      scoresCommitment: c.scoresCommitment,
      proverAccount: c.settlement.proverAccount,
    },
    circuitId,
    rootsArg(epochEnd),
    hexlify(encodeSettlementData(c.settlement)),
  ] as const;
}

/** The roots L1 stores for a settlement: no withdrawals, the queue where the entry before left it. */
export function settlementRoots(postStateRoot: bigint, queueEnd: bigint): BatchRoots {
  return { postStateRoot, withdrawalsRoot: 0n, queueEnd };
}

export interface CommittedSettlement {
  readonly postStateRoot: bigint;
  readonly epoch: number;
  readonly model: number;
  readonly publicInput: bigint;
  readonly circuitId: number;
  /** The settlement data (encoding.ts), as committed. */
  readonly data: Uint8Array;
  readonly l1TxHash: string;
  readonly l1Block: number;
  /** The event's log index in its block: what came before it in the block is in force for it. */
  readonly l1LogIndex: number;
}

/**
 * Entry `batchIndex` as its SettlementCommitted event gives it, checked against the hash L1
 * stores for the settlement's roots (`queueEnd`: the queue position the entry before left);
 * undefined if no entry is committed there. Throws if the entry there is not this settlement.
 */
export async function committedSettlement(
  rollup: Contract,
  batchIndex: bigint | number,
  queueEnd: bigint,
  fromBlock = 0,
): Promise<CommittedSettlement | undefined> {
  // The stored hash first: logs read after it include the commit it shows.
  const stored = ((await rollup.getFunction("batch")(batchIndex)) as { rootsHash: string }).rootsHash;
  if (BigInt(stored) === 0n) return undefined;
  const logs = await rollup.queryFilter(rollup.filters.SettlementCommitted!(batchIndex), fromBlock);
  // A reverted and re-committed entry leaves stale logs beside the current one: the stored hash decides.
  for (const log of logs.reverse()) {
    if (!("args" in log)) continue;
    const postStateRoot = BigInt(log.args.postStateRoot);
    if (batchRootsHash(settlementRoots(postStateRoot, queueEnd)) === stored) {
      return {
        postStateRoot,
        epoch: Number(log.args.epoch),
        model: Number(log.args.model),
        publicInput: BigInt(log.args.publicInput),
        circuitId: Number(log.args.circuitId),
        data: getBytes(log.args.data),
        l1TxHash: log.transactionHash,
        l1Block: log.blockNumber,
        l1LogIndex: log.index,
      };
    }
  }
  throw new OpenLedgerError(
    ErrorCode.StateCorrupt,
    `entry ${batchIndex} is committed on L1 but no SettlementCommitted event from block ${fromBlock} matches it`,
  );
}
