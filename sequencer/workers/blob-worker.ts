import { parentPort, workerData } from "node:worker_threads";
import { batchBlob } from "../../protocol/blob/kzg.ts";

/** Worker thread of `blob-thread.ts`: one batch's blob, then it exits. */
parentPort!.postMessage(batchBlob(workerData as Uint8Array));
