import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { StoreError, StoreErrorCode } from "./errors.ts";

/**
 * The bytes a blob is stored as (docs/store.md, "Blob format"): a 20-byte header, then the
 * plaintext in segments, each sealed with AES-256-GCM under the blob's own random key.
 *
 *   header  = "OLB1" ‖ version u8 (1) ‖ kind u8 ‖ 0 u16 ‖ segmentSize u32 ‖ plaintextLength u64
 *   segment i = AES-256-GCM(key, nonce = 0 u32 ‖ i u64, aad = header ‖ last u8) → ct ‖ tag (16)
 *
 * Every segment holds segmentSize plaintext bytes but the last; an empty plaintext is one
 * empty segment. The key is fresh per blob, so the segment index is a unique nonce. Binding
 * the header and the last-segment flag into each tag means a reader notices reordered,
 * dropped, truncated or appended segments, not only altered bytes (the STREAM construction
 * of Hoang et al. 2015). Encryption is deterministic for a given key, which is what lets an
 * interrupted upload resume by regenerating the same bytes.
 */
export const BLOB_MAGIC = "OLB1";
export const BLOB_VERSION = 1;
export const HEADER_BYTES = 20;
export const TAG_BYTES = 16;
export const DEFAULT_SEGMENT_SIZE = 1 << 20;
export const KEY_BYTES = 32;

/** What a blob holds; the store treats them alike, readers parse by kind. */
export const BlobKind = { raw: 0, rows: 1, model: 2, input: 3, documents: 4 } as const;
export type BlobKindName = keyof typeof BlobKind;

/**
 * The kinds that hold a contribution's rows (a text contribution's rows are its documents):
 * uploaded under a Datanet with one hash per row, indexed for duplicates and by contentRoot.
 */
export const CONTRIBUTION_KINDS: ReadonlySet<BlobKindName> = new Set(["rows", "documents"]);

export interface BlobHeader {
  readonly kind: number;
  readonly segmentSize: number;
  readonly plaintextLength: number;
}

export function newBlobKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

export function segmentCount(plaintextLength: number, segmentSize: number): number {
  return Math.max(1, Math.ceil(plaintextLength / segmentSize));
}

/** Stored size of a blob of `plaintextLength` bytes. */
export function blobSize(plaintextLength: number, segmentSize = DEFAULT_SEGMENT_SIZE): number {
  return HEADER_BYTES + plaintextLength + segmentCount(plaintextLength, segmentSize) * TAG_BYTES;
}

export function encodeHeader(h: BlobHeader): Uint8Array {
  if (!Number.isSafeInteger(h.plaintextLength) || h.plaintextLength < 0) {
    throw new StoreError(StoreErrorCode.InvalidBlob, "plaintext length must be a safe non-negative integer");
  }
  if (!Number.isInteger(h.segmentSize) || h.segmentSize < 1 || h.segmentSize > 0xffffffff) {
    throw new StoreError(StoreErrorCode.InvalidBlob, "segment size must be a positive u32");
  }
  const out = new Uint8Array(HEADER_BYTES);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode(BLOB_MAGIC));
  v.setUint8(4, BLOB_VERSION);
  v.setUint8(5, h.kind);
  v.setUint32(8, h.segmentSize);
  v.setBigUint64(12, BigInt(h.plaintextLength));
  return out;
}

export function decodeHeader(bytes: Uint8Array): BlobHeader {
  if (bytes.length < HEADER_BYTES)
    throw new StoreError(StoreErrorCode.BlobTruncated, "blob ends inside its header");
  const v = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== BLOB_MAGIC || v.getUint8(4) !== BLOB_VERSION || v.getUint16(6) !== 0) {
    throw new StoreError(StoreErrorCode.InvalidBlob, "not a version-1 OpenLedger blob");
  }
  const length = v.getBigUint64(12);
  const segmentSize = v.getUint32(8);
  if (length > BigInt(Number.MAX_SAFE_INTEGER) || segmentSize === 0) {
    throw new StoreError(StoreErrorCode.InvalidBlob, "blob header holds impossible lengths");
  }
  return { kind: v.getUint8(5), segmentSize, plaintextLength: Number(length) };
}

function nonce(index: number): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 4);
  return n;
}

function aad(header: Uint8Array, last: boolean): Buffer {
  return Buffer.concat([header, Uint8Array.of(last ? 1 : 0)]);
}

/** One sealed segment as two pieces, ciphertext then tag (no copy to join them). */
export function sealSegment(
  key: Uint8Array,
  header: Uint8Array,
  index: number,
  last: boolean,
  plain: Uint8Array,
): [Uint8Array, Uint8Array] {
  const c = createCipheriv("aes-256-gcm", key, nonce(index));
  c.setAAD(aad(header, last));
  const body = c.update(plain);
  c.final();
  return [body, c.getAuthTag()];
}

function openSegment(key: Uint8Array, header: Uint8Array, index: number, last: boolean, sealed: Uint8Array) {
  const d = createDecipheriv("aes-256-gcm", key, nonce(index));
  d.setAAD(aad(header, last));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const plain = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
  try {
    d.final();
  } catch (e) {
    throw new StoreError(StoreErrorCode.DecryptFailed, `segment ${index} failed authentication`, {
      cause: e,
    });
  }
  return plain;
}

/**
 * Regroups a byte stream into pieces of exactly `size` bytes (the last may be shorter).
 * The buffer is reused: each piece is consumed (sealed) before the next is asked for.
 */
async function* regroup(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  const buf = Buffer.allocUnsafe(size);
  let fill = 0;
  for await (const piece of source) {
    let at = 0;
    // Whole segments pass through without a copy when nothing is pending.
    while (fill === 0 && piece.length - at >= size) {
      yield piece.subarray(at, at + size);
      at += size;
    }
    while (at < piece.length) {
      const n = Math.min(size - fill, piece.length - at);
      buf.set(piece.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === size) {
        yield buf;
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/**
 * Encrypts a plaintext stream of exactly `plaintextLength` bytes into the blob format, one
 * segment at a time: memory holds one segment, whatever the blob's size.
 */
export async function* encryptBlob(
  key: Uint8Array,
  kind: number,
  plaintextLength: number,
  plaintext: AsyncIterable<Uint8Array>,
  segmentSize = DEFAULT_SEGMENT_SIZE,
): AsyncGenerator<Uint8Array> {
  const header = encodeHeader({ kind, segmentSize, plaintextLength });
  yield header;
  const count = segmentCount(plaintextLength, segmentSize);
  let index = 0;
  let seen = 0;
  for await (const seg of regroup(plaintext, segmentSize)) {
    seen += seg.length;
    if (seen > plaintextLength) break;
    yield* sealSegment(key, header, index, index === count - 1, seg);
    index++;
  }
  if (seen !== plaintextLength) {
    throw new StoreError(
      StoreErrorCode.InvalidRequest,
      `plaintext has ${seen > plaintextLength ? "more" : "fewer"} bytes than the ${plaintextLength} declared`,
    );
  }
  if (plaintextLength === 0) yield* sealSegment(key, header, 0, true, new Uint8Array(0));
}

/**
 * Decrypts a stored blob stream, yielding verified plaintext segment by segment. Refuses a
 * blob that ends early (BLOB_TRUNCATED), runs on (INVALID_BLOB) or has any altered byte
 * (DECRYPT_FAILED), before yielding the segment concerned.
 */
export async function* decryptBlob(
  key: Uint8Array,
  stored: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, BlobHeader> {
  const it = stored[Symbol.asyncIterator]();
  let pending = Buffer.alloc(0);
  // Pieces are gathered and joined once a segment's worth has arrived (one copy per segment).
  const fill = async (n: number): Promise<boolean> => {
    const parts: Uint8Array[] = [pending];
    let have = pending.length;
    while (have < n) {
      const next = await it.next();
      if (next.done) break;
      parts.push(next.value);
      have += next.value.length;
    }
    if (parts.length > 1) pending = Buffer.concat(parts, have);
    return have >= n;
  };
  if (!(await fill(HEADER_BYTES)))
    throw new StoreError(StoreErrorCode.BlobTruncated, "blob ends inside its header");
  const header = new Uint8Array(pending.subarray(0, HEADER_BYTES));
  const h = decodeHeader(header);
  pending = pending.subarray(HEADER_BYTES);
  const count = segmentCount(h.plaintextLength, h.segmentSize);
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const plainLen = last ? h.plaintextLength - i * h.segmentSize : h.segmentSize;
    const need = plainLen + TAG_BYTES;
    if (!(await fill(need))) {
      throw new StoreError(StoreErrorCode.BlobTruncated, `blob ends inside segment ${i} of ${count}`);
    }
    const sealed = pending.subarray(0, need);
    pending = pending.subarray(need);
    yield openSegment(key, header, i, last, sealed);
  }
  if (pending.length > 0 || !(await it.next()).done) {
    throw new StoreError(StoreErrorCode.InvalidBlob, "bytes after the blob's last segment");
  }
  return h;
}
