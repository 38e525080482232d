import type { Field } from "../../protocol/field.ts";
import type { NodeStore } from "../../protocol/smt.ts";
import type { TreeName } from "../../protocol/state/state.ts";
import { LruCache } from "./lru.ts";
import { KEY } from "./schema.ts";
import type { Store, StoreOp } from "./store.ts";

/** A node known to be empty (its zero hash), cached so that a sparse path is not read again. */
const EMPTY = null;

/**
 * The state trees' nodes in LevelDB (`node:<tree>:<level>:<index>`), behind the synchronous
 * `NodeStore` the trees call, so the state transition stays synchronous and knows no disk. A
 * read looks in three places, in order:
 *  - pending: nodes written since their last write landed. They are the only copy until it
 *    has, so they are never evicted; there are as many as one or two sealed entries change.
 *  - a least-recently-used cache shared by the five trees, of at most `cacheNodes` nodes: the
 *    memory the trees take, whatever the number of accounts.
 *  - LevelDB, read in this thread (`Store.getSync`): a miss costs microseconds, not a turn of
 *    the event loop.
 * `takeWrites` hands the nodes written since its last call to the write that seals an entry
 * (one LevelDB batch with the entry, its records and the meta); `landed` moves them to the
 * cache once that write is in LevelDB.
 */
export class TreeNodes {
  private readonly pending = new Map<string, Field | typeof EMPTY>();
  private unsent = new Set<string>();
  private readonly cache: LruCache<string, Field | typeof EMPTY>;

  constructor(
    private readonly store: Store,
    cacheNodes: number,
  ) {
    this.cache = new LruCache(cacheNodes);
  }

  /** The node store of tree `name`. */
  tree(name: TreeName): NodeStore {
    return {
      get: (level, index) => this.get(KEY.node(name, level, index)),
      set: (level, index, value) => this.set(KEY.node(name, level, index), value),
    };
  }

  /** Nodes held until their write lands, and nodes cached: what the trees keep in memory. */
  get inMemory(): { pending: number; cached: number } {
    return { pending: this.pending.size, cached: this.cache.size };
  }

  /**
   * The writes of every node changed since the last call, and what to call once they are in
   * LevelDB. The caller must take them when the state's trees are exactly those of the entry it
   * seals (right after hashing it), and land them in the same batch as the entry.
   */
  takeWrites(): { ops: StoreOp[]; landed: () => void } {
    const sent = new Map<string, Field | typeof EMPTY>();
    const ops: StoreOp[] = [];
    for (const key of this.unsent) {
      const value = this.pending.get(key)!;
      sent.set(key, value);
      ops.push(value === EMPTY ? { type: "del", key } : { type: "put", key, value });
    }
    this.unsent = new Set();
    const landed = () => {
      for (const [key, value] of sent) {
        // Written again since: it stays pending for the write that will carry it.
        if (this.unsent.has(key) || this.pending.get(key) !== value) continue;
        this.pending.delete(key);
        this.cache.set(key, value);
      }
    };
    return { ops, landed };
  }

  private get(key: string): Field | undefined {
    const p = this.pending.get(key);
    if (p !== undefined) return p ?? undefined;
    const c = this.cache.get(key);
    if (c !== undefined) return c ?? undefined;
    const stored = this.store.getSync<Field>(key);
    this.cache.set(key, stored ?? EMPTY);
    return stored;
  }

  private set(key: string, value: Field | undefined): void {
    this.pending.set(key, value ?? EMPTY);
    this.cache.delete(key);
    this.unsent.add(key);
  }
}
