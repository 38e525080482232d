/**
 * Where a state snapshot is read from (docs/protocol.md §8.5): a node's `GET /snapshot` or a
 * file, as a stream of bytes. Untrusted either way: the reader checks it against L1.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";

/** `from`: a node's URL (its `/snapshot` is read) or a snapshot URL, or a file path. */
export async function openSnapshot(from: string): Promise<AsyncIterable<Uint8Array>> {
  if (!/^https?:\/\//.test(from)) return createReadStream(from);
  const url = new URL(from);
  if (!url.pathname.endsWith("/snapshot")) url.pathname = `${url.pathname.replace(/\/(rpc)?$/, "")}/snapshot`;
  const res = await fetch(url);
  if (!res.ok || !res.body) {
    throw new OpenLedgerError(
      ErrorCode.DataUnavailable,
      `${url} answered ${res.status}: no snapshot there (a sequencer serves one when it runs with --l1)`,
    );
  }
  return res.body;
}

/** Writes a snapshot's bytes to `path` as they come. */
export async function writeSnapshotFile(path: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  await pipeline(Readable.from(chunks), createWriteStream(path));
}
