import type { BatchBuilder } from "../../protocol/batch/builder.ts";
import type { Field } from "../../protocol/field.ts";
import { TxType } from "../../protocol/tx/types.ts";
import type { SettlementReceipt } from "../../protocol/rewards/settlement.ts";
import { type StateRoots, stateRoot } from "../../protocol/state/leaves.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import {
  type BatchRecord,
  type EntryRecord,
  KEY,
  type Meta,
  type SettlementRecord,
  type TxRecord,
} from "../storage/schema.ts";
import type { StoreOp } from "../storage/store.ts";
import type { AcceptedSettlement } from "./settlements.ts";

/** The batch being filled: its builder, its transactions as stored, and the root it starts from. */
export interface OpenBatch {
  readonly number: number;
  readonly builder: BatchBuilder;
  readonly txs: TxRecord[];
  /** The previous batch's post-state root, known once its trees are hashed. */
  readonly preStateRoot: Promise<Field>;
}

/** An entry record without what hashing gives: its roots and its end state. */
type Unhashed<T> = T extends unknown ? Omit<T, "preStateRoot" | "postStateRoot" | "endState"> : never;

/** What sealing takes from the state at once; the root is hashed afterwards, in slices. */
export interface TakenSeal<R extends EntryRecord = EntryRecord> {
  /** The entry record without its roots. */
  readonly entry: Unhashed<R>;
  /** Changed records, stored transactions and their receipts' index; write-ahead entries removed. */
  readonly ops: StoreOp[];
  /** Meta without the root: what the store says once the batch lands. */
  readonly meta: Omit<Meta, "stateRoot">;
  /** Leaf values the root needs, for `RollupState.hashSnapshot`. */
  readonly snapshot: ReturnType<RollupState["snapshotForRoot"]>;
}

/**
 * Closes `open` on `state` (fee credit, parameter change, batch data) and takes everything its
 * LevelDB write needs but the state root, so that the next batch can open at once.
 */
export function takeSeal(state: RollupState, open: OpenBatch, chain: string): TakenSeal<BatchRecord> {
  const built = open.builder.close();
  const ops = changedRecordOps(state);
  for (const t of open.txs) {
    ops.push({ type: "put", key: KEY.tx(t.hash), value: t });
    ops.push({ type: "put", key: KEY.accountTx(t.receipt.account, t.batch, t.position), value: t.hash });
    ops.push({ type: "del", key: KEY.wal(t.batch, t.position) });
  }
  return {
    entry: {
      kind: "batch",
      number: open.number,
      batchData: built.data,
      feeRecipient: built.feeRecipient,
      queueStart: built.queueStart.next,
      queueEnd: built.queueEnd.next,
      queueHashStart: built.queueStart.hash,
      queueHashEnd: built.queueEnd.hash,
      withdrawals: built.withdrawals,
      withdrawalsRoot: built.withdrawalsRoot,
      txHashes: open.txs.map((t) => t.hash),
      trainingSets: built.txs.flatMap((t) =>
        t.tx.type === TxType.RegisterModel
          ? [
              {
                descriptor: t.registry!.h2,
                trainingConfigHash: t.tx.trainingConfigHash,
                contributions: t.tx.contributions,
              },
            ]
          : [],
      ),
      sealedAt: Date.now(),
      feesCredited: built.feesCredited,
    },
    ops,
    meta: metaOf(state, open.number, chain),
    snapshot: state.snapshotForRoot(),
  };
}

/**
 * Takes the entry of a settlement just applied to `state` (`applySettlement`): its changed
 * records, and the removal of its write-ahead entry.
 */
export function takeSettlementSeal(
  state: RollupState,
  number: number,
  accepted: AcceptedSettlement,
  receipt: SettlementReceipt,
  chain: string,
): TakenSeal<SettlementRecord> {
  const ops = changedRecordOps(state);
  ops.push({ type: "del", key: KEY.wal(number, 0) });
  const s = accepted.settlement;
  // The indexes the RPC reads an epoch's settlements and an inference's payer from.
  ops.push({ type: "put", key: KEY.epochSettlement(s.epoch, number), value: number });
  for (const id of s.inferences) ops.push({ type: "put", key: KEY.inferenceSettlement(id), value: number });
  return {
    entry: {
      kind: "settlement",
      number,
      queueEnd: state.queue.next,
      settlement: accepted.settlement,
      scoresCommitment: accepted.scoresCommitment,
      epochEnd: { entry: accepted.epochEnd.entry, roots: accepted.epochEnd.roots },
      receipt,
      // A settlement changes no parameter: the state's governance is the one it was split under.
      governance: state.governance,
      sealedAt: Date.now(),
    },
    ops,
    meta: metaOf(state, number, chain),
    snapshot: state.snapshotForRoot(),
  };
}

function metaOf(state: RollupState, sealed: number, chain: string): Omit<Meta, "stateRoot"> {
  return { chain, sealed, counters: state.counters, queue: state.queue, governance: state.governance };
}

/** The records the state changed since the last call, as puts. */
export function changedRecordOps(state: RollupState): StoreOp[] {
  const changes = state.takeChanges();
  const ops: StoreOp[] = [];
  for (const id of changes.accounts)
    ops.push({ type: "put", key: KEY.account(id), value: state.accounts.get(id) });
  for (const id of changes.contributions)
    ops.push({ type: "put", key: KEY.contribution(id), value: state.contributions.get(id) });
  for (const id of changes.models) {
    const value = { model: state.models.get(id), training: state.trainingSets.get(id) };
    ops.push({ type: "put", key: KEY.model(id), value });
  }
  for (const id of changes.inferences)
    ops.push({ type: "put", key: KEY.inference(id), value: state.inferences.get(id) });
  for (const id of changes.datanets)
    ops.push({ type: "put", key: KEY.datanet(id), value: state.datanets.get(id) });
  return ops;
}

/** The sealed entry's record and the writes that land it, once the roots are known. */
export function sealWrites<R extends EntryRecord>(
  taken: TakenSeal<R>,
  preStateRoot: Field,
  roots: StateRoots,
): { record: R; ops: StoreOp[] } {
  const postStateRoot = stateRoot(roots);
  const endState = { roots, counters: taken.meta.counters };
  // The entry without these three fields, plus them: the whole record.
  const record = { ...taken.entry, preStateRoot, postStateRoot, endState } as unknown as R;
  const ops: StoreOp[] = [
    ...taken.ops,
    { type: "put", key: KEY.batch(record.number), value: record },
    { type: "put", key: KEY.meta, value: { ...taken.meta, stateRoot: postStateRoot } satisfies Meta },
  ];
  return { record, ops };
}

/** Drives a hashing generator a few milliseconds at a time, yielding to pending I/O between. */
export async function hashInSlices<T>(steps: Generator<void, T>, sliceMs = 4): Promise<T> {
  let started = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - started > sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      started = performance.now();
    }
  }
}
