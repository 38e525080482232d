import { Worker } from "node:worker_threads";
import { StoreError, StoreErrorCode } from "./errors.ts";
import type { RootJobMessage } from "./root-worker.ts";

export interface RootStream {
  /** More row hashes (32 bytes each), following those given before. */
  add(rowHashes: Uint8Array): void;
  /** The contentRoot (0x hex) of every row hash given. */
  end(): Promise<string>;
}

/**
 * One worker thread that computes contentRoots (store/root-worker.ts), so that a server
 * receiving chunks, or a client encrypting them, keeps going while the Poseidon tree of a
 * large upload is hashed: on two cores the tree and the bytes then share the machine
 * instead of taking turns.
 */
export class RootThread {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (root: string) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly worker: Worker) {
    worker.on("message", (msg: { id: number; root?: string; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.root !== undefined) p.resolve(msg.root);
      else p.reject(new StoreError(StoreErrorCode.InvalidRequest, msg.error ?? "contentRoot failed"));
    });
    worker.on("error", (e) => this.failAll(e));
    worker.on("exit", () => this.failAll(new Error("contentRoot worker exited")));
  }

  static start(): Promise<RootThread> {
    // Workers load TypeScript through tsx, as the main program does.
    const worker = new Worker(new URL("./root-worker.ts", import.meta.url), {
      execArgv: ["--import", "tsx"],
    });
    return new Promise((resolve, reject) => {
      worker.once("message", () => resolve(new RootThread(worker)));
      worker.once("error", reject);
    });
  }

  /** contentRoot (0x hex) of the rows whose hashes are given (32 bytes each, row order). */
  contentRoot(rowHashes: Uint8Array): Promise<string> {
    const job = this.stream();
    job.add(rowHashes);
    return job.end();
  }

  /**
   * A contentRoot whose row hashes are given in batches, in row order, while they are being
   * made: the worker hashes the tree of each batch as it arrives.
   */
  stream(): RootStream {
    const id = this.next++;
    const root = new Promise<string>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    root.catch(() => undefined); // a failure is reported by end()
    // A copy of just these bytes: posting a view would clone its whole underlying buffer.
    const post = (rowHashes: Uint8Array, end: boolean) => {
      const msg: RootJobMessage = { id, rowHashes: rowHashes.slice(), end };
      // slice() made a plain ArrayBuffer of its own: moved, not copied again.
      this.worker.postMessage(msg, [msg.rowHashes.buffer as ArrayBuffer]);
    };
    let ended = false;
    return {
      add: (rowHashes) => {
        if (ended) throw new StoreError(StoreErrorCode.InvalidRequest, "contentRoot job already ended");
        post(rowHashes, false);
      },
      end: () => {
        if (!ended) post(new Uint8Array(0), true);
        ended = true;
        return root;
      },
    };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
