import { Worker } from "node:worker_threads";
import { StoreError, StoreErrorCode } from "./errors.ts";

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
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, rowHashes });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
