import { ROW_HEADER_BYTES, rowByteLength } from "../protocol/provenance/rows.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";

/**
 * How a rows blob stores a row (docs/store.md, "Rows blobs"): the row's canonical bytes
 * (protocol/provenance/rows.ts: label u32, dim u32, dim × int64 at 2^16) written compactly,
 *
 *   varint(label) ‖ varint(dim) ‖ dim × varint(zigzag(q))
 *
 * with LEB128 varints (7 bits a byte, least significant first, minimal length) and
 * zigzag(q) = 2q for q >= 0, −2q − 1 otherwise. Both directions are exact, so the row hash
 * is always taken over the canonical bytes. A MNIST row (mostly zero pixels, the rest below
 * 2^17) shrinks from 6,280 bytes to about 1,100: less to encrypt, hash, send and keep.
 */
const TWO_32 = 2 ** 32;
const MAX_Q = 2 ** 52 - 1;
/** A zigzag value below 2^53 takes at most 8 varint bytes. */
const MAX_VALUE_BYTES = 8;

/** Largest compact size of a row of `dim` features. */
export function maxCompactLength(dim: number): number {
  return 10 + dim * MAX_VALUE_BYTES;
}

function varintLength(z: number): number {
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

function writeVarint(out: Uint8Array, at: number, z: number): number {
  // Bit operations while the value fits 31 bits (all MNIST values), division beyond.
  while (z >= 0x80000000) {
    out[at++] = (z % 128) | 128;
    z = Math.floor(z / 128);
  }
  while (z >= 128) {
    out[at++] = (z & 127) | 128;
    z >>>= 7;
  }
  out[at++] = z;
  return at;
}

/** zigzag(q) of the int64 at `at` of a canonical row (|q| < 2^53, so exact in a double). */
function zigzagAt(view: DataView, at: number): number {
  const q = view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
  return q >= 0 ? 2 * q : -2 * q - 1;
}

/** Compact size of a canonical row. */
export function compactLength(canonical: Uint8Array): number {
  const view = new DataView(canonical.buffer, canonical.byteOffset, canonical.byteLength);
  const dim = view.getUint32(4);
  let n = varintLength(view.getUint32(0)) + varintLength(dim);
  for (let j = 0, at = ROW_HEADER_BYTES; j < dim; j++, at += 8) n += varintLength(zigzagAt(view, at));
  return n;
}

/** Writes a canonical row compactly at `out[offset..]`; returns the offset after it. */
export function writeCompact(canonical: Uint8Array, out: Uint8Array, offset: number): number {
  const view = new DataView(canonical.buffer, canonical.byteOffset, canonical.byteLength);
  const dim = view.getUint32(4);
  let at = writeVarint(out, offset, view.getUint32(0));
  at = writeVarint(out, at, dim);
  for (let j = 0, c = ROW_HEADER_BYTES; j < dim; j++, c += 8) at = writeVarint(out, at, zigzagAt(view, c));
  return at;
}

/** Reads one compact row at `at`; returns its canonical bytes and the offset after it. */
export function readCompact(bytes: Uint8Array, at: number): { canonical: Uint8Array; next: number } {
  const fail = (why: string) => new StoreError(StoreErrorCode.InvalidBlob, `rows blob: ${why} at byte ${at}`);
  let pos = at;
  const varint = (maxBytes: number): number => {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < maxBytes; k++) {
      if (pos >= bytes.length) throw fail("row cut short");
      const b = bytes[pos++]!;
      value += (b & 127) * scale;
      scale *= 128;
      if (b < 128) {
        if (b === 0 && k > 0) throw fail("non-minimal varint");
        return value;
      }
    }
    throw fail("varint too long");
  };
  const label = varint(5);
  const dim = varint(5);
  if (label >= TWO_32 || dim >= TWO_32 || dim > bytes.length - pos) throw fail("impossible row header");
  const canonical = new Uint8Array(rowByteLength(dim));
  const view = new DataView(canonical.buffer);
  view.setUint32(0, label);
  view.setUint32(4, dim);
  for (let j = 0, c = ROW_HEADER_BYTES; j < dim; j++, c += 8) {
    const z = varint(MAX_VALUE_BYTES);
    const q = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    if (Math.abs(q) > MAX_Q) throw fail("value beyond 2^52");
    const hi = Math.floor(q / TWO_32);
    view.setInt32(c, hi);
    view.setUint32(c + 4, q - hi * TWO_32);
  }
  return { canonical, next: pos };
}
