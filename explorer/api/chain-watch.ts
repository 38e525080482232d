/**
 * One poller for every live page: it reads the sequencer's head and the L1 snapshot at a
 * small interval while at least one client listens, and hands each change of an entry's
 * status (sealed, committed, proven, final) to the listeners. Clients never poll the sources.
 */
import type { ExplorerContext } from "./context.ts";
import { ExplorerError } from "./errors.ts";
import type { L1BatchStatus } from "./l1-status.ts";

export interface EntryStatus {
  readonly number: number;
  readonly kind: "batch" | "settlement";
  readonly status: L1BatchStatus;
  /** The epoch a settlement paid; null for a batch. */
  readonly epoch: number | null;
}

/** Entries watched below the head: older ones are final long before they leave the window. */
const WINDOW = 64;

/** Pure: the entries of `next` that are new or whose status differs from `prev`. */
export function changedEntries(
  prev: ReadonlyMap<number, EntryStatus>,
  next: readonly EntryStatus[],
): EntryStatus[] {
  return next.filter((e) => prev.get(e.number)?.status !== e.status);
}

export class ChainWatcher {
  private readonly listeners = new Set<(e: EntryStatus) => void>();
  private known: Map<number, EntryStatus> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: ExplorerContext,
    private readonly pollMs = 1000,
  ) {}

  /** Calls `listener` on every change from now on; returns the unsubscribe function. */
  subscribe(listener: (e: EntryStatus) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) this.schedule();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A poller started later takes a fresh baseline rather than replaying what it missed.
    this.known = null;
  }

  private schedule(): void {
    this.timer = setTimeout(async () => {
      try {
        await this.poll();
      } catch (e) {
        // An unreachable source is retried at the next tick; the pages say why on their own reads.
        if (!(e instanceof ExplorerError)) this.ctx.logger?.error({ err: e }, "explorer watcher failed");
      }
      if (this.timer) this.schedule();
    }, this.pollMs);
  }

  /** Reads both sources once; the first read is the baseline and reports nothing. */
  async poll(): Promise<EntryStatus[]> {
    const head = await this.ctx.seq.head();
    const l1 = await this.ctx.l1.snapshot().catch(() => null);
    const first = Math.max(1, head.sealedBatches - WINDOW + 1);
    const entries: EntryStatus[] = [];
    for (let n = first; n <= head.sealedBatches; n++) {
      const b = await this.ctx.seq.batch(n);
      if (!b) continue;
      entries.push({
        number: n,
        kind: b.kind,
        // Without L1 an entry keeps the status last seen.
        status: l1 ? l1.batch(n).status : (this.known?.get(n)?.status ?? "sealed"),
        epoch: b.kind === "settlement" ? b.epoch : null,
      });
    }
    const changes = this.known ? changedEntries(this.known, entries) : [];
    this.known = new Map(entries.map((e) => [e.number, e]));
    for (const c of changes) for (const l of this.listeners) l(c);
    return changes;
  }
}
