import type { BatchBuilder } from "../../protocol/batch/builder.ts";
import type { Field } from "../../protocol/field.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import { type BatchRecord, KEY, type Meta, type TxRecord } from "../storage/schema.ts";
import type { StoreOp } from "../storage/store.ts";

/** The batch being filled: its builder, its transactions as stored, and the root it starts from. */
export interface OpenBatch {
  readonly number: number;
  readonly builder: BatchBuilder;
  readonly txs: TxRecord[];
  /** The previous batch's post-state root, known once its trees are hashed. */
  readonly preStateRoot: Promise<Field>;
}

/** What sealing takes from the state at once; the root is hashed afterwards, in slices. */
export interface TakenSeal {
  /** The batch record without its roots. */
  readonly batch: Omit<BatchRecord, "preStateRoot" | "postStateRoot">;
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
export function takeSeal(state: RollupState, open: OpenBatch, chain: string): TakenSeal {
  const built = open.builder.close();
  const ops = changedRecordOps(state);
  for (const t of open.txs) {
    ops.push({ type: "put", key: KEY.tx(t.hash), value: t });
    ops.push({ type: "put", key: KEY.accountTx(t.receipt.account, t.batch, t.position), value: t.hash });
    ops.push({ type: "del", key: KEY.wal(t.batch, t.position) });
  }
  return {
    batch: {
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
      sealedAt: Date.now(),
      feesCredited: built.feesCredited,
    },
    ops,
    meta: {
      chain,
      sealed: open.number,
      counters: state.counters,
      queue: state.queue,
      governance: state.governance,
    },
    snapshot: state.snapshotForRoot(),
  };
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
  return ops;
}

/** The sealed batch's record and the writes that land it, once both roots are known. */
export function sealWrites(
  taken: TakenSeal,
  preStateRoot: Field,
  postStateRoot: Field,
): { record: BatchRecord; ops: StoreOp[] } {
  const record: BatchRecord = { ...taken.batch, preStateRoot, postStateRoot };
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
