import { Worker } from "node:worker_threads";
import type { TxVerifier, VerifyContext, VerifyJob, VerifyResult } from "./verifier.ts";

interface Pending {
  readonly job: VerifyJob;
  readonly resolve: (r: VerifyResult) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly waiting: Map<number, Pending[]>;
  /** Resolves when the worker has loaded its modules. */
  readonly ready: Promise<void>;
}

/**
 * Signature checks on worker threads. Jobs arriving in the same turn of the event loop are
 * sent together, one message per worker, so the cost of a message is shared; each sender's
 * jobs go to one worker.
 */
export class VerifyPool implements TxVerifier {
  private readonly slots: Slot[] = [];
  private queued: Pending[] = [];
  private scheduled = false;
  private nextId = 0;
  private closing = false;

  constructor(
    private readonly ctx: VerifyContext,
    size: number,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  /**
   * A worker that dies (an uncaught error, out of memory) fails the jobs it held and is
   * replaced, so later jobs never wait on a dead thread.
   */
  private spawn(): Slot {
    // Workers load TypeScript through tsx, as the main program does.
    const worker = new Worker(new URL("./verify-worker.ts", import.meta.url), {
      workerData: this.ctx,
      execArgv: ["--import", "tsx"],
    });
    let markReady!: () => void;
    const slot: Slot = { worker, waiting: new Map(), ready: new Promise((r) => (markReady = r)) };
    worker.on("message", (msg: { ready: true } | { id: number; results: VerifyResult[] }) => {
      if ("ready" in msg) {
        // Held by the event loop until then: a node waiting for its workers must not exit.
        worker.unref();
        return markReady();
      }
      const batch = slot.waiting.get(msg.id)!;
      slot.waiting.delete(msg.id);
      batch.forEach((p, i) => p.resolve(msg.results[i]!));
    });
    worker.on("error", (e) => this.fail(slot, e));
    worker.on("exit", (code) => this.fail(slot, new Error(`signature worker exited with code ${code}`)));
    return slot;
  }

  private fail(slot: Slot, e: unknown): void {
    for (const batch of slot.waiting.values()) for (const p of batch) p.reject(e);
    slot.waiting.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0 && !this.closing) this.slots[i] = this.spawn();
  }

  verify(job: VerifyJob): Promise<VerifyResult> {
    return new Promise((resolve, reject) => {
      this.queued.push({ job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.dispatch());
      }
    });
  }

  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    this.scheduled = false;
    const jobs = this.queued;
    this.queued = [];
    // A sender's transactions go to the same worker, which then holds its key's
    // precomputed table (protocol/eddsa.ts) once instead of once per worker.
    const parts = this.slots.map((): Pending[] => []);
    for (const p of jobs) parts[p.job.sender % this.slots.length]!.push(p);
    parts.forEach((part, i) => {
      if (part.length === 0) return;
      const slot = this.slots[i]!;
      const id = this.nextId++;
      slot.waiting.set(id, part);
      slot.worker.postMessage({ id, jobs: part.map((p) => p.job) });
    });
  }
}
