import { Worker } from "node:worker_threads";
import { fieldToHex } from "../protocol/field.ts";
import { ContentRootBuilder, ROWS_TREE, splitTree } from "../protocol/provenance/content-root.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import type { RootJobMessage, RootJobReply } from "./root-worker.ts";

export interface RootStream {
  /** More row hashes (32 bytes each), following those given before. */
  add(rowHashes: Uint8Array): void;
  /** The contentRoot (0x hex) of every row hash given. */
  end(): Promise<string>;
}

/** Below this many rows a tree is not worth sharing between threads. */
const SPLIT_ROWS = 4096;

/**
 * Worker threads that compute contentRoots (store/root-worker.ts), so that a server
 * receiving chunks, or a client encrypting them, keeps going while the Poseidon tree of a
 * large upload is hashed: on two cores the tree and the bytes then share the machine
 * instead of taking turns. With several threads, a tree whose row hashes are all known
 * is shared between them (blocks of rows hashed apart, their roots joined here).
 */
export class RootThread {
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (nodes: string[]) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly workers: readonly Worker[]) {
    for (const worker of workers) {
      worker.on("message", (msg: RootJobReply) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.nodes !== undefined) p.resolve(msg.nodes);
        else p.reject(new StoreError(StoreErrorCode.InvalidRequest, msg.error ?? "contentRoot failed"));
      });
      worker.on("error", (e) => this.failAll(e));
      worker.on("exit", () => this.failAll(new Error("contentRoot worker exited")));
    }
  }

  static async start(threads = 1): Promise<RootThread> {
    const started = Array.from({ length: threads }, () => {
      // Workers load TypeScript through tsx, as the main program does.
      const worker = new Worker(new URL("./root-worker.ts", import.meta.url), {
        execArgv: ["--import", "tsx"],
      });
      return new Promise<Worker>((resolve, reject) => {
        worker.once("message", () => resolve(worker));
        worker.once("error", reject);
      });
    });
    return new RootThread(await Promise.all(started));
  }

  /** contentRoot (0x hex) of the rows whose hashes are given (32 bytes each, row order). */
  async contentRoot(rowHashes: Uint8Array): Promise<string> {
    const rows = rowHashes.length / 32;
    if (this.workers.length === 1 || rows < SPLIT_ROWS) {
      const job = this.stream();
      job.add(rowHashes);
      return job.end();
    }
    const { height, ranges } = splitTree(rows, this.workers.length);
    const shares = ranges.map(([from, to], k) => {
      const job = this.job(this.workers[k]!, height);
      job.post(rowHashes.subarray(32 * from, 32 * to), true);
      return job.nodes;
    });
    const top = new ContentRootBuilder(height);
    for (const nodes of await Promise.all(shares)) for (const node of nodes) top.add(BigInt(node));
    return fieldToHex(top.root());
  }

  /**
   * A contentRoot whose row hashes are given in batches, in row order, while they are being
   * made: a worker hashes the tree of each batch as it arrives.
   */
  stream(): RootStream {
    const job = this.job(this.workers[this.next % this.workers.length]!, ROWS_TREE.depth);
    let ended = false;
    return {
      add: (rowHashes) => {
        if (ended) throw new StoreError(StoreErrorCode.InvalidRequest, "contentRoot job already ended");
        job.post(rowHashes, false);
      },
      end: async () => {
        if (!ended) job.post(new Uint8Array(0), true);
        ended = true;
        return (await job.nodes)[0]!;
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** A job on `worker` answered with the roots of its blocks of 4^height rows. */
  private job(worker: Worker, height: number) {
    const id = this.next++;
    const nodes = new Promise<string[]>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    nodes.catch(() => undefined); // a failure is reported to whoever awaits the result
    const post = (rowHashes: Uint8Array, end: boolean) => {
      // A copy of just these bytes (posting a view would clone its whole buffer), moved.
      const msg: RootJobMessage = { id, height, rowHashes: rowHashes.slice(), end };
      worker.postMessage(msg, [msg.rowHashes.buffer as ArrayBuffer]);
    };
    return { post, nodes };
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
