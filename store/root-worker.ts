import { parentPort } from "node:worker_threads";
import { rowsContentRoot } from "./rows.ts";

/**
 * Worker thread of `RootWorker` (store/root-thread.ts): computes contentRoots (about 20,000
 * Poseidon hashes for 60,000 rows) off the event loop that moves the upload's bytes.
 */
rowsContentRoot(new Uint8Array(32));
parentPort!.postMessage({ ready: true });
parentPort!.on("message", (msg: { id: number; rowHashes: Uint8Array }) => {
  try {
    parentPort!.postMessage({ id: msg.id, root: rowsContentRoot(msg.rowHashes) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).message });
  }
});
