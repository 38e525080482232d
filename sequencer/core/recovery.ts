import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import type { Account, Contribution, Datanet, InferenceRecord, Model } from "../../protocol/state/leaves.ts";
import type { RollupState, TrainingSet, TreeName } from "../../protocol/state/state.ts";
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

/** Records per registry whose leaf a restart checks (`loadCheckedState`). */
const CHECKED_RECORDS = 64;

/**
 * Loads the stored records into `state`, over the trees as stored (their nodes are read from
 * LevelDB as needed, nothing is rehashed), and checks them: the state root of the stored trees'
 * roots, counters and parameters must be the stored root, and a sample of records (spread over
 * each registry, its last included) must hash to their stored leaves. Every write being one
 * atomic LevelDB batch, records and nodes cannot drift apart but by damage; the sample catches
 * gross damage in constant time, a full check is a rebuild. Returns the meta, or undefined for
 * an empty database (genesis).
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
  const loaded: Record<TreeName, number[]> = {
    accounts: [],
    contributions: [],
    models: [],
    inferences: [],
    datanets: [],
  };
  const load = async <T>(tree: TreeName, prefix: string, set: (id: number, record: T) => void) => {
    for (const [k, record] of await store.list<T>(prefix)) {
      set(idOf(k), record);
      loaded[tree].push(idOf(k));
    }
  };
  await load<Account>("accounts", "acct:", (id, a) => state.setAccount(id, a));
  await load<Contribution>("contributions", "contrib:", (id, c) => state.setContribution(id, c));
  await load<{ model: Model; training?: TrainingSet }>("models", "model:", (id, m) =>
    state.setModel(id, m.model, m.training),
  );
  await load<InferenceRecord>("inferences", "inf:", (id, r) => state.setInference(id, r));
  await load<Datanet>("datanets", "dnet:", (id, d) => state.setDatanet(id, d));
  state.adoptStoredTrees();
  const root = state.root();
  if (root !== meta.stateRoot) {
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      `stored state root ${fieldToHex(meta.stateRoot)} does not match the root ${fieldToHex(root)} of the stored trees: the database is damaged, or was written before the trees were stored (start from an empty data directory: \`openledger devnet --fresh\` on the devnet); refusing to start`,
    );
  }
  for (const [tree, ids] of Object.entries(loaded) as Array<[TreeName, number[]]>) {
    for (const id of sample(ids)) {
      if (!state.leafMatches(tree, id)) {
        throw new OpenLedgerError(
          ErrorCode.StateCorrupt,
          `stored record ${id} of ${tree} does not match its leaf in the stored tree: the database is damaged; refusing to start`,
        );
      }
    }
  }
  return meta;
}

/** Up to CHECKED_RECORDS of `ids`, evenly spread, the last always among them. */
function sample(ids: readonly number[]): number[] {
  const step = Math.max(1, Math.floor(ids.length / CHECKED_RECORDS));
  const out: number[] = [];
  for (let i = ids.length - 1; i >= 0 && out.length < CHECKED_RECORDS; i -= step) out.push(ids[i]!);
  return out;
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
