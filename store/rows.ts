import { fieldToHex } from "../protocol/field.ts";
import { contentRoot, rowProof } from "../protocol/provenance/content-root.ts";
import { encodeRow, rowByteLength, rowHash, rowLeaf } from "../protocol/provenance/rows.ts";
import type { MerkleProof } from "../protocol/smt.ts";
import { compactLength, maxCompactLength, readCompact, writeCompact } from "./row-codec.ts";

/**
 * Rows blobs (docs/store.md, "Rows blobs"): the plaintext is the rows back to back, in row
 * order, each in the compact form of store/row-codec.ts. A reader recovers each row's
 * canonical bytes (protocol/provenance/rows.ts), hence its hash, and checks them against
 * the contentRoot.
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

export interface CanonicalRow {
  readonly bytes: Uint8Array;
  readonly width: number;
}

/**
 * Each row's canonical bytes in turn (protocol/provenance/rows.ts) with its width. The buffer
 * is reused while the width repeats: use the bytes before taking the next row.
 */
function* canonicalRows(rows: RowSource): Generator<CanonicalRow> {
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
    yield { bytes: buf, width: f.length };
  }
}

/**
 * Row hashes and plaintext length of a rows blob, one canonical row at a time: for sources
 * whose length is not known ahead (a file read as it streams), the hashes grow as needed.
 */
export class RowHasher {
  private hashes: Uint8Array;
  private count = 0;
  private length = 0;

  constructor(expectedRows = 1024) {
    this.hashes = new Uint8Array(32 * Math.max(1, expectedRows));
  }

  add(canonical: Uint8Array): void {
    if (32 * (this.count + 1) > this.hashes.length) {
      const grown = new Uint8Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes.set(rowHash(canonical), 32 * this.count++);
    this.length += compactLength(canonical);
  }

  get rows(): number {
    return this.count;
  }

  result(): HashedRows {
    return { rowHashes: this.hashes.slice(0, 32 * this.count), plaintextLength: this.length };
  }
}

/** Row hashes and plaintext length of a rows blob (one pass: quantize, encode, hash). */
export function hashRows(rows: RowSource): HashedRows {
  const hasher = new RowHasher(rows.count);
  for (const { bytes } of canonicalRows(rows)) hasher.add(bytes);
  return hasher.result();
}

/** contentRoot (0x hex) of rows given by their hashes (32 bytes each, row order). */
export function rowsContentRoot(rowHashes: Uint8Array): string {
  const leaves = new Array<bigint>(rowHashes.length / 32);
  for (let i = 0; i < leaves.length; i++) leaves[i] = rowLeaf(rowHashes.subarray(i * 32, i * 32 + 32));
  return fieldToHex(contentRoot(leaves));
}

/** The plaintext of a rows blob, in pieces of about `pieceBytes`. */
export function rowsPlaintext(rows: RowSource, pieceBytes = 1 << 20): AsyncGenerator<Uint8Array> {
  return compactPieces(canonicalRows(rows), pieceBytes);
}

/**
 * Canonical rows (each with its width; the bytes may be reused once the next row is asked
 * for) written compactly, back to back, in pieces of about `pieceBytes`.
 */
export async function* compactPieces(
  rows: Iterable<CanonicalRow> | AsyncIterable<CanonicalRow>,
  pieceBytes = 1 << 20,
): AsyncGenerator<Uint8Array> {
  let piece = new Uint8Array(pieceBytes);
  let fill = 0;
  for await (const { bytes, width } of rows) {
    const most = maxCompactLength(width);
    if (fill + most > piece.length) {
      if (fill > 0) yield piece.subarray(0, fill);
      piece = new Uint8Array(Math.max(pieceBytes, most));
      fill = 0;
    }
    fill = writeCompact(bytes, piece, fill);
  }
  if (fill > 0) yield piece.subarray(0, fill);
}

/** The canonical bytes of every row of a rows blob's plaintext; refuses a malformed one. */
export function splitRows(plaintext: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < plaintext.length;) {
    const { canonical, next } = readCompact(plaintext, at);
    out.push(canonical);
    at = next;
  }
  return out;
}

/** The path of row `index` of a rows blob's plaintext to its contentRoot. */
export function proveRow(plaintext: Uint8Array, index: number): MerkleProof {
  const leaves = splitRows(plaintext).map((r) => rowLeaf(rowHash(r)));
  return rowProof(leaves, index);
}
