/**
 * The chain's entries from L1 alone (docs/protocol.md §8.4), for a rebuild without the
 * sequencer: a batch is its blob's data (from an untrusted blob archive, checked against the
 * versioned hash its BatchCommitted event recorded) with the queue operations it consumed
 * (OperationQueued events, each checked against L1's rolling hash); a settlement is the data
 * of its SettlementCommitted event with the treasury account L1 folded into it at its commit. Nothing here is trusted
 * further: `replayFinalized` compares every replayed root with L1's.
 */
import type { Contract, EventLog } from "ethers";
import { committedBatch } from "../contracts/client/batch-roots.ts";
import { type BlobArchive, fetchBatchData } from "../contracts/client/blob-archive.ts";
import { type CommittedSettlement, committedSettlement } from "../contracts/client/settlements.ts";
import { treasuryAccountAt, treasuryAccountChanges } from "../contracts/client/treasury-account.ts";
import { type BatchShape, decodeBatchLayout } from "../protocol/batch/layout.ts";
import { type Field, fieldToHex } from "../protocol/field.ts";
import { decodeSettlementData } from "../protocol/rewards/encoding.ts";
import { type Genesis, RollupState, type TrainingSet } from "../protocol/state/state.ts";
import { type QueueOp, TxType } from "../protocol/tx/types.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { type EntrySource, genesisCursor, type ReplayCursor, replayFrom } from "./finalized-state.ts";
import { checkRollingHash, parseOperationQueued, queueOpOf } from "./l1-operations.ts";
import { entryRoots } from "./l1-reads.ts";

export interface L1EntriesOptions {
  readonly archive: BlobArchive;
  /** The batch layout the chain's sequencer posts in (its batch circuit's shape). */
  readonly shape: BatchShape;
  /** The rollup's deployment block. */
  readonly fromBlock: number;
}

/** Entries of `rollup` (BRIDGE_ABI, connected to an L1 provider) rebuilt from L1 and `archive`. */
export function l1Entries(rollup: Contract, o: L1EntriesOptions): EntrySource {
  let queued: Promise<QueueOp[]> | undefined;
  const trainingSets = new Map<Field, TrainingSet>();
  return {
    async entry(n) {
      const { queueEnd: queueStart } = await entryRoots(rollup, n - 1, o.fromBlock);
      const settlementLogs = await rollup.queryFilter(rollup.filters.SettlementCommitted!(n), o.fromBlock);
      const settlement =
        settlementLogs.length > 0 ? await committedSettlement(rollup, n, queueStart, o.fromBlock) : undefined;
      if (settlement) {
        return {
          kind: "settlement",
          settlement: {
            ...decodeSettlementData(settlement.data),
            treasuryAccount: await treasuryAccountAtCommit(rollup, settlement, o.fromBlock),
          },
        };
      }
      const batch = await committedBatch(rollup, n, o.fromBlock);
      if (!batch) return undefined;
      const data = await fetchBatchData(o.archive, batch.blobVersionedHash, n);
      queued ??= queueOperations(rollup, o.fromBlock);
      const queueOps = (await queued).slice(Number(queueStart), Number(batch.roots.queueEnd));
      if (queueOps.length !== Number(batch.roots.queueEnd - queueStart)) {
        throw new BridgeError(
          BridgeErrorCode.RootMismatch,
          `batch ${n} consumes the L1 queue up to ${batch.roots.queueEnd}, but only ${(await queued).length} OperationQueued events are found from block ${o.fromBlock}`,
        );
      }
      // Training lists are fetched before the replay asks for them: the replay is synchronous.
      for (const d of modelDescriptors(data, o.shape)) {
        if (trainingSets.has(d)) continue;
        const t = await o.archive.trainingSet(d);
        if (t) trainingSets.set(d, t);
      }
      return {
        kind: "posted",
        shape: o.shape,
        data,
        queueOps,
        trainingSetOf: (d) => trainingSets.get(d),
      };
    },
  };
}

/** The training descriptors of the models a batch's data registers. */
function modelDescriptors(data: Uint8Array, shape: BatchShape): Field[] {
  return decodeBatchLayout(shape, data)
    .registryRecords.filter((r) => r.type === TxType.RegisterModel)
    .map((r) => r.h2);
}

/** Every queue operation L1 holds, in queue order, each checked against L1's rolling hash. */
async function queueOperations(rollup: Contract, fromBlock: number): Promise<QueueOp[]> {
  const logs = await rollup.queryFilter(rollup.filters.OperationQueued!(), fromBlock);
  const ops = logs
    .filter((l): l is EventLog => "args" in l)
    .map((l) => parseOperationQueued(rollup.interface.parseLog(l)!, l))
    .sort((a, b) => (a.index < b.index ? -1 : 1));
  let hash = 0n;
  return ops.map((op, i) => {
    if (op.index !== BigInt(i)) {
      throw new BridgeError(
        BridgeErrorCode.RootMismatch,
        `L1 queue operation ${i} has no OperationQueued event`,
      );
    }
    const l2 = queueOpOf(op);
    hash = checkRollingHash(hash, l2, op);
    return l2;
  });
}

/**
 * The account a settlement's protocol share went to: the registry's treasuryAccount when it
 * was committed, which commitSettlement folded into its public input and the sequencer's
 * state transition credited (a later change by governance applies to later settlements only).
 */
async function treasuryAccountAtCommit(
  rollup: Contract,
  c: CommittedSettlement,
  fromBlock: number,
): Promise<number> {
  const changes = await treasuryAccountChanges(rollup, fromBlock, c.l1Block);
  return treasuryAccountAt(changes, { block: c.l1Block, logIndex: c.l1LogIndex });
}

export interface RebuildOptions extends L1EntriesOptions {
  readonly genesis: Genesis;
  /** Where to start instead of genesis: a snapshot checked against L1 (`snapshotCursor`). */
  readonly from?: ReplayCursor;
  /** The last entry to replay (default: the last finalized one, the state exits prove against). */
  readonly upTo?: number;
  readonly progress?: (done: number, total: number) => void;
}

export interface Rebuilt {
  readonly state: RollupState;
  /** The state is the one after this entry. */
  readonly entries: number;
  /** Where the rebuild stands, with what a snapshot of it needs. */
  readonly cursor: ReplayCursor;
}

/**
 * The L2 state after entry `upTo`, rebuilt from L1 and the blob archive alone, every root
 * checked against L1's; genesis first, so that wrong tree sizes or genesis parameters are
 * named as such rather than as a mismatch at entry 1.
 */
export async function rebuildFromL1(rollup: Contract, o: RebuildOptions): Promise<Rebuilt> {
  if (!o.from) await checkGenesis(rollup, o);
  const entries = o.upTo ?? Number(await rollup.getFunction("lastFinalizedBatch")());
  const cursor = await replayFrom(o.from ?? genesisCursor(o.genesis), l1Entries(rollup, o), rollup, {
    upTo: entries,
    fromBlock: o.fromBlock,
    progress: o.progress,
  });
  return { state: cursor.state, entries: cursor.entry, cursor };
}

async function checkGenesis(rollup: Contract, o: RebuildOptions): Promise<void> {
  const genesisRoot = (await entryRoots(rollup, 0, o.fromBlock)).postStateRoot;
  const ours = new RollupState(o.genesis).root();
  if (ours !== genesisRoot) {
    throw new BridgeError(
      BridgeErrorCode.RootMismatch,
      `the genesis state of these tree sizes and parameters has root ${fieldToHex(ours)}, L1's genesis is ${fieldToHex(genesisRoot)}: pass the deployment's --params`,
    );
  }
}
