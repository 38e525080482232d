import { fieldToHex } from "../protocol/field.ts";
import { ContentRootBuilder, rowProof } from "../protocol/provenance/content-root.ts";
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

/**
 * A rows blob hashed and encoded in one pass, for rows already in memory: the row hashes and
 * the plaintext itself (compact, about a sixth of the canonical bytes for MNIST), kept so
 * the upload does not quantize and encode every value a second time.
 */
export interface PackedRows extends HashedRows {
  readonly pieces: readonly Uint8Array[];
}

export interface PackOptions {
  readonly pieceBytes?: number;
  /**
   * Receives the row hashes in row order, `batchRows` rows at a time, as soon as they are
   * made (to build the contentRoot on another thread meanwhile): views of `rowHashes`.
   */
  readonly onHashes?: (rowHashes: Uint8Array) => void;
  readonly batchRows?: number;
}

export function packRows(rows: RowSource, o: PackOptions = {}): PackedRows {
  const batch = o.batchRows ?? 4096;
  const hashes = new Uint8Array(32 * rows.count);
  const writer = new PieceWriter(o.pieceBytes);
  const pieces: Uint8Array[] = [];
  let i = 0;
  let sent = 0;
  for (const { bytes, width } of canonicalRows(rows)) {
    hashes.set(rowHash(bytes), 32 * i++);
    const done = writer.add(bytes, width);
    if (done) pieces.push(done);
    if (o.onHashes && i - sent === batch) {
      o.onHashes(hashes.subarray(32 * sent, 32 * i));
      sent = i;
    }
  }
  if (o.onHashes && i > sent) o.onHashes(hashes.subarray(32 * sent, 32 * i));
  const last = writer.end();
  if (last) pieces.push(last);
  return { rowHashes: hashes, plaintextLength: writer.length, pieces };
}

/** Adds rows given by their hashes (32 bytes each, row order) to a contentRoot. */
export function addRowHashes(b: ContentRootBuilder, rowHashes: Uint8Array): void {
  for (let at = 0; at < rowHashes.length; at += 32) b.add(rowLeaf(rowHashes.subarray(at, at + 32)));
}

/** contentRoot (0x hex) of rows given by their hashes (32 bytes each, row order). */
export function rowsContentRoot(rowHashes: Uint8Array): string {
  const b = new ContentRootBuilder();
  addRowHashes(b, rowHashes);
  return fieldToHex(b.root());
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
  const writer = new PieceWriter(pieceBytes);
  for await (const { bytes, width } of rows) {
    const done = writer.add(bytes, width);
    if (done) yield done;
  }
  const last = writer.end();
  if (last) yield last;
}

/** Compact rows written back to back into pieces of about `pieceBytes`. */
class PieceWriter {
  private piece: Uint8Array;
  private fill = 0;
  /** Bytes written so far. */
  length = 0;

  constructor(private readonly pieceBytes = 1 << 20) {
    this.piece = new Uint8Array(pieceBytes);
  }

  /** Writes one canonical row; returns the piece it completed, if any. */
  add(canonical: Uint8Array, width: number): Uint8Array | undefined {
    const most = maxCompactLength(width);
    let done: Uint8Array | undefined;
    if (this.fill + most > this.piece.length) {
      if (this.fill > 0) done = this.piece.subarray(0, this.fill);
      this.piece = new Uint8Array(Math.max(this.pieceBytes, most));
      this.fill = 0;
    }
    const end = writeCompact(canonical, this.piece, this.fill);
    this.length += end - this.fill;
    this.fill = end;
    return done;
  }

  /** The last, partly filled piece. */
  end(): Uint8Array | undefined {
    return this.fill > 0 ? this.piece.subarray(0, this.fill) : undefined;
  }
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
