import { Worker } from "node:worker_threads";
import type { BatchBlob } from "../../protocol/blob/kzg.ts";

/**
 * batchBlob(data) on a worker thread of its own: the blob's transform and its KZG
 * multi-scalar multiplications take up to half a second of CPU for a 256-transaction batch,
 * which transactions arriving meanwhile must not wait behind.
 */
export function batchBlobOffThread(data: Uint8Array): Promise<BatchBlob> {
  return new Promise((resolve, reject) => {
    // Workers load TypeScript through tsx, as the main program does.
    const worker = new Worker(new URL("./blob-worker.ts", import.meta.url), {
      workerData: data,
      execArgv: ["--import", "tsx"],
    });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`blob worker exited with code ${code} before answering`)));
  });
}
