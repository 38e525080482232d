import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import type { Account, Contribution, Datanet, InferenceRecord, Model } from "../../protocol/state/leaves.ts";
import type { RollupState, TrainingSet } from "../../protocol/state/state.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import type { SignedTx } from "../../protocol/tx/types.ts";
import { idOf, KEY, type Meta, type WalEntry } from "../storage/schema.ts";
import type { Store, StoreOp } from "../storage/store.ts";
import type { PooledTx } from "./mempool.ts";

/**
 * Reading a sequencer's database back after a stop or a crash. Sealed batches left their
 * records; the open batch left write-ahead entries (`wal:<batch>:<position>`) that the
 * sequencer executes again in order (the state transition is deterministic, so they land at
 * the same positions with the same effects); waiting transactions left their bytes (`mp:`).
 */

/**
 * Loads the stored records into `state` and checks them against the stored root. Returns the
 * meta, or undefined for an empty database (genesis).
 */
export async function loadCheckedState(
  store: Store,
  state: RollupState,
  chain: string,
): Promise<Meta | undefined> {
  const meta = await store.get<Meta>(KEY.meta);
  if (!meta) return undefined;
  if (meta.chain !== chain) {
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      `the database belongs to another chain configuration (${meta.chain}), not ${chain}`,
    );
  }
  state.governance = meta.governance;
  state.counters = meta.counters;
  state.queue = meta.queue;
  for (const [k, a] of await store.list<Account>("acct:")) state.setAccount(idOf(k), a);
  for (const [k, c] of await store.list<Contribution>("contrib:")) state.setContribution(idOf(k), c);
  for (const [k, m] of await store.list<{ model: Model; training?: TrainingSet }>("model:"))
    state.setModel(idOf(k), m.model, m.training);
  for (const [k, r] of await store.list<InferenceRecord>("inf:")) state.setInference(idOf(k), r);
  for (const [k, d] of await store.list<Datanet>("dnet:")) state.setDatanet(idOf(k), d);
  state.takeChanges();
  const root = state.root();
  if (root !== meta.stateRoot) {
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      `stored state root ${fieldToHex(meta.stateRoot)} does not match the root ${fieldToHex(root)} recomputed from the stored records: the database is damaged; refusing to start`,
    );
  }
  return meta;
}

/** A write-ahead entry with the place its transaction (or settlement, at position 0) held. */
export type WalReplay = WalEntry & {
  readonly key: string;
  readonly batch: number;
  readonly position: number;
};

/** The write-ahead entries of the entries not sealed yet, in order. */
export async function readWriteAhead(store: Store): Promise<WalReplay[]> {
  return (await store.list<WalEntry>("wal:")).map(([key, entry]) => {
    const [, batch, position] = key.split(":");
    return { ...entry, key, batch: Number(batch), position: Number(position) };
  });
}

/**
 * The waiting transactions that can still execute, and deletes for those an executed nonce
 * made stale.
 */
export async function readWaiting(
  store: Store,
  state: RollupState,
): Promise<{ waiting: PooledTx[]; stale: StoreOp[] }> {
  const waiting: PooledTx[] = [];
  const stale: StoreOp[] = [];
  for (const [key, raw] of await store.list<Uint8Array>("mp:")) {
    const tx = decodeTx(raw) as SignedTx;
    const account = state.accounts.get(tx.from);
    if (!account || tx.nonce < account.nonce) stale.push({ type: "del", key });
    else waiting.push({ hash: key.slice(KEY.pooled("").length), tx, raw });
  }
  return { waiting, stale };
}
