import { parentPort } from "node:worker_threads";
import { fieldToHex } from "../protocol/field.ts";
import { ContentRootBuilder, ROWS_TREE } from "../protocol/provenance/content-root.ts";
import { rowLeaf } from "../protocol/provenance/rows.ts";
import { rowsContentRoot } from "./rows.ts";

/**
 * Worker thread of `RootThread` (store/root-thread.ts): builds contentRoots (about 20,000
 * Poseidon hashes for 60,000 rows) off the event loop that moves the upload's bytes. A job
 * arrives as row hashes in one or more messages, the last one marked `end`, and is answered
 * with the roots of its blocks of 4^height rows (one block, the contentRoot itself, at the
 * tree's depth; smaller blocks when a tree is shared between threads).
 */
export interface RootJobMessage {
  readonly id: number;
  readonly height: number;
  readonly rowHashes: Uint8Array;
  readonly end: boolean;
}

export interface RootJobReply {
  readonly id: number;
  /** 0x hex, block order. */
  readonly nodes?: string[];
  readonly error?: string;
}

interface Job {
  block: ContentRootBuilder;
  readonly nodes: string[];
}

rowsContentRoot(new Uint8Array(32));
const jobs = new Map<number, Job>();
/** Jobs refused already, whose remaining messages are dropped. */
const failed = new Set<number>();
const reply = (r: RootJobReply) => parentPort!.postMessage(r);

function take(job: Job, msg: RootJobMessage): void {
  const full = msg.height < ROWS_TREE.depth ? ROWS_TREE.arity ** msg.height : Infinity;
  for (let at = 0; at < msg.rowHashes.length; at += 32) {
    job.block.add(rowLeaf(msg.rowHashes.subarray(at, at + 32)));
    if (job.block.rows === full) {
      job.nodes.push(fieldToHex(job.block.nodeAt(msg.height)));
      job.block = new ContentRootBuilder();
    }
  }
  // The last, partial block; with no rows at all, the empty tree's node.
  if (msg.end && (job.block.rows > 0 || job.nodes.length === 0)) {
    job.nodes.push(fieldToHex(job.block.nodeAt(msg.height)));
  }
}

parentPort!.postMessage({ ready: true });
parentPort!.on("message", (msg: RootJobMessage) => {
  try {
    if (!failed.has(msg.id)) {
      const job = jobs.get(msg.id) ?? { block: new ContentRootBuilder(), nodes: [] };
      jobs.set(msg.id, job);
      take(job, msg);
      if (msg.end) reply({ id: msg.id, nodes: job.nodes });
    }
  } catch (e) {
    failed.add(msg.id);
    reply({ id: msg.id, error: (e as Error).message });
  }
  if (msg.end) {
    jobs.delete(msg.id);
    failed.delete(msg.id);
  }
});
