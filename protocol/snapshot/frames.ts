/**
 * The snapshot's framing (docs/protocol.md §8.5): each frame is a 4-byte big-endian length
 * and that many bytes of a V8-serialized value (node:v8, as the sequencer stores its records:
 * bigints and nested records survive exactly). Frames stream: neither side holds more than
 * one chunk of them.
 */
import { deserialize, serialize } from "node:v8";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { SnapshotHeader, SnapshotRecord, SnapshotTrailer } from "./format.ts";
import { SNAPSHOT_FORMAT } from "./format.ts";

/** Far above any record: a larger length is a damaged or foreign stream, not a frame. */
const MAX_FRAME_BYTES = 1 << 24;
/** Frames are sent in chunks of about this size rather than one write each. */
const CHUNK_BYTES = 1 << 16;

export function encodeFrame(value: unknown): Buffer {
  const body = serialize(value);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** The frames of a snapshot: header, records in canonical order, trailer, in chunks. */
export async function* snapshotChunks(
  header: SnapshotHeader,
  records: Iterable<SnapshotRecord> | AsyncIterable<SnapshotRecord>,
): AsyncGenerator<Buffer> {
  yield encodeFrame(header);
  let pending: Buffer[] = [];
  let size = 0;
  let count = 0;
  for await (const r of records) {
    const f = encodeFrame(r);
    pending.push(f);
    size += f.length;
    count++;
    if (size >= CHUNK_BYTES) {
      yield Buffer.concat(pending);
      pending = [];
      size = 0;
    }
  }
  const trailer: SnapshotTrailer = { end: SNAPSHOT_FORMAT, records: count };
  pending.push(encodeFrame(trailer));
  yield Buffer.concat(pending);
}

/** The values of a framed byte stream, as they arrive. */
export async function* decodeFrames(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<unknown> {
  let buf = Buffer.alloc(0);
  let frames = 0;
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    let at = 0;
    while (buf.length - at >= 4) {
      const len = buf.readUInt32BE(at);
      if (len > MAX_FRAME_BYTES) {
        throw invalid(`frame ${frames} claims ${len} bytes: not a snapshot stream, or a damaged one`);
      }
      if (buf.length - at < 4 + len) break;
      const body = buf.subarray(at + 4, at + 4 + len);
      at += 4 + len;
      let value: unknown;
      try {
        value = deserialize(body);
      } catch (e) {
        throw invalid(`frame ${frames} does not decode: ${(e as Error).message}`);
      }
      frames++;
      yield value;
    }
    buf = buf.subarray(at);
  }
  if (buf.length > 0) throw invalid(`the stream ends inside frame ${frames}: it was cut`);
}

const invalid = (message: string) => new OpenLedgerError(ErrorCode.SnapshotInvalid, message);
