import { deserialize, serialize } from "node:v8";
import { Level } from "level";
import { LogFlusher } from "./log-flusher.ts";

/**
 * LevelDB access for the sequencer. Values are V8-serialized (bigints, byte arrays and nested
 * records survive exactly). Writes go through one ordered queue and every call's operations
 * land in one atomic LevelDB batch; calls that queue up while a batch is being written share
 * the next one (group commit), so a burst of transactions costs one write, not one each.
 *
 * Durability: each group's batch is appended to LevelDB's log with write(2) before the next
 * group's; with `sync` (the default) a write's promise resolves only once an fsync of the log
 * that started after the append has finished (`log-flusher.ts`), so a resolved write survives
 * the process being killed and the machine losing power. The fsyncs run beside the appends,
 * one at a time, each covering every group appended before it: the disk's latency adds to
 * each answer's but does not limit how many groups a second are written. Without `sync` a
 * resolved write survives kill -9 but not an operating-system crash or power loss.
 */
export type StoreOp =
  | { readonly type: "put"; readonly key: string; readonly value: unknown }
  | { readonly type: "del"; readonly key: string };

interface PendingWrite {
  readonly ops: readonly StoreOp[];
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class Store {
  private queue: PendingWrite[] = [];
  private writing = false;

  private constructor(
    private readonly db: Level<string, Buffer>,
    /** Present when writes must reach the disk before they resolve. */
    readonly flusher: LogFlusher | undefined,
  ) {}

  static async open(dir: string, options: { sync?: boolean } = {}): Promise<Store> {
    const db = new Level<string, Buffer>(dir, { keyEncoding: "utf8", valueEncoding: "buffer" });
    await db.open();
    return new Store(db, (options.sync ?? true) ? new LogFlusher(dir) : undefined);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const v = await this.db.get(key);
    return v === undefined ? undefined : (deserialize(v) as T);
  }

  /**
   * `get` in this thread, without a turn of the event loop: what the state's synchronous
   * reads fall back on when a node or record is not cached (`node-store.ts`). A write is seen
   * once its `write` has reached LevelDB.
   */
  getSync<T>(key: string): T | undefined {
    const v = this.db.getSync(key);
    return v === undefined ? undefined : (deserialize(v) as T);
  }

  /** All entries whose key starts with `prefix`, in key order (at most `limit`). */
  async list<T>(
    prefix: string,
    options: { limit?: number; reverse?: boolean; from?: string } = {},
  ): Promise<Array<[string, T]>> {
    const out: Array<[string, T]> = [];
    for await (const [k, v] of this.db.iterator({
      // `from` (a key under `prefix`) starts the scan there: pages do not read what precedes them.
      gte: options.from ?? prefix,
      lt: `${prefix}\xff`,
      limit: options.limit ?? -1,
      reverse: options.reverse ?? false,
    })) {
      out.push([k, deserialize(v) as T]);
    }
    return out;
  }

  /** Writes `ops` atomically, after every write queued before it. */
  write(ops: readonly StoreOp[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ops, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  async close(): Promise<void> {
    while (this.writing) await new Promise((r) => setTimeout(r, 5));
    await this.flusher?.close();
    await this.db.close();
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      const ops = group.flatMap((w) =>
        w.ops.map((op) =>
          op.type === "put"
            ? { type: "put" as const, key: op.key, value: serialize(op.value) }
            : { type: "del" as const, key: op.key },
        ),
      );
      try {
        await this.db.batch(ops);
        // The next group is appended while this one's fsync runs.
        const durable = this.flusher ? this.flusher.flush() : Promise.resolve();
        durable.then(
          () => group.forEach((w) => w.resolve()),
          (e: unknown) => group.forEach((w) => w.reject(e)),
        );
      } catch (e) {
        for (const w of group) w.reject(e);
      }
    }
    this.writing = false;
  }
}

/** Zero-padded decimal, so that LevelDB's key order is numeric order. */
export const pad = (n: number | bigint, width = 10): string => n.toString().padStart(width, "0");
