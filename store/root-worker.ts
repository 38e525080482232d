import { parentPort } from "node:worker_threads";
import { ContentRootBuilder } from "../protocol/provenance/content-root.ts";
import { fieldToHex } from "../protocol/field.ts";
import { addRowHashes, rowsContentRoot } from "./rows.ts";

/**
 * Worker thread of `RootThread` (store/root-thread.ts): builds contentRoots (about 20,000
 * Poseidon hashes for 60,000 rows) off the event loop that moves the upload's bytes. A job
 * arrives as row hashes in one or more messages, the last one marked `end`.
 */
export interface RootJobMessage {
  readonly id: number;
  readonly rowHashes: Uint8Array;
  readonly end: boolean;
}

rowsContentRoot(new Uint8Array(32));
const jobs = new Map<number, ContentRootBuilder>();
/** Jobs refused already, whose remaining messages are dropped. */
const failed = new Set<number>();
parentPort!.postMessage({ ready: true });
parentPort!.on("message", (msg: RootJobMessage) => {
  try {
    if (!failed.has(msg.id)) {
      const b = jobs.get(msg.id) ?? new ContentRootBuilder();
      jobs.set(msg.id, b);
      addRowHashes(b, msg.rowHashes);
      if (msg.end) parentPort!.postMessage({ id: msg.id, root: fieldToHex(b.root()) });
    }
  } catch (e) {
    failed.add(msg.id);
    parentPort!.postMessage({ id: msg.id, error: (e as Error).message });
  }
  if (msg.end) {
    jobs.delete(msg.id);
    failed.delete(msg.id);
  }
});
