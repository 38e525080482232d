import { fieldToHex } from "../protocol/field.ts";
import { contentRoot, rowProof } from "../protocol/provenance/content-root.ts";
import { encodeRow, ROW_HEADER_BYTES, rowByteLength, rowHash, rowLeaf } from "../protocol/provenance/rows.ts";
import type { MerkleProof } from "../protocol/smt.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";

/**
 * Rows blobs (docs/store.md, "Rows blobs"): the plaintext is the rows' canonical bytes
 * (protocol/provenance/rows.ts) back to back, in row order, so a reader recovers each row
 * and its hash without any other format, and checks them against the contentRoot.
 */
export interface RowSource {
  readonly count: number;
  label(i: number): number;
  features(i: number): ArrayLike<number>;
}

export interface HashedRows {
  /** 32 bytes per row, row order. */
  readonly rowHashes: Uint8Array;
  readonly plaintextLength: number;
}

/** Row hashes and plaintext length of a rows blob. */
export function hashRows(rows: RowSource): HashedRows {
  const rowHashes = new Uint8Array(rows.count * 32);
  let length = 0;
  let buf = new Uint8Array(0);
  let view = new DataView(buf.buffer);
  for (let i = 0; i < rows.count; i++) {
    const f = rows.features(i);
    const n = rowByteLength(f.length);
    if (buf.length !== n) {
      buf = new Uint8Array(n);
      view = new DataView(buf.buffer);
    }
    encodeRow(rows.label(i), f, buf, 0, view);
    rowHashes.set(rowHash(buf), i * 32);
    length += n;
  }
  return { rowHashes, plaintextLength: length };
}

/** contentRoot (0x hex) of rows given by their hashes (32 bytes each, row order). */
export function rowsContentRoot(rowHashes: Uint8Array): string {
  const leaves = new Array<bigint>(rowHashes.length / 32);
  for (let i = 0; i < leaves.length; i++) leaves[i] = rowLeaf(rowHashes.subarray(i * 32, i * 32 + 32));
  return fieldToHex(contentRoot(leaves));
}

/** The plaintext of a rows blob, in pieces of about `pieceBytes`. */
export async function* rowsPlaintext(rows: RowSource, pieceBytes = 1 << 20): AsyncGenerator<Uint8Array> {
  let piece = new Uint8Array(pieceBytes);
  let view = new DataView(piece.buffer);
  let fill = 0;
  for (let i = 0; i < rows.count; i++) {
    const f = rows.features(i);
    const n = rowByteLength(f.length);
    if (fill + n > piece.length) {
      if (fill > 0) yield piece.subarray(0, fill);
      piece = new Uint8Array(Math.max(pieceBytes, n));
      view = new DataView(piece.buffer);
      fill = 0;
    }
    fill = encodeRow(rows.label(i), f, piece, fill, view);
  }
  if (fill > 0) yield piece.subarray(0, fill);
}

/** Splits a rows blob's plaintext into its rows' canonical bytes; refuses a malformed one. */
export function splitRows(plaintext: Uint8Array): Uint8Array[] {
  const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < plaintext.length) {
    if (at + ROW_HEADER_BYTES > plaintext.length) break;
    const n = rowByteLength(view.getUint32(at + 4));
    if (at + n > plaintext.length) break;
    out.push(plaintext.subarray(at, at + n));
    at += n;
  }
  if (at !== plaintext.length) {
    throw new StoreError(StoreErrorCode.InvalidBlob, `rows blob ends inside a row (byte ${at})`);
  }
  return out;
}

/** The path of row `index` of a rows blob's plaintext to its contentRoot. */
export function proveRow(plaintext: Uint8Array, index: number): MerkleProof {
  const leaves = splitRows(plaintext).map((r) => rowLeaf(rowHash(r)));
  return rowProof(leaves, index);
}
