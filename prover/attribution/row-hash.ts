import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { quantize, VECTOR_BITS } from "./fixed-point.ts";
import type { TrainingRows } from "./types.ts";

/**
 * Content hash of one row: SHA-256 of (label u32, dim u32, each feature as int64 at scale
 * 2^16), big-endian. Hashing the fixed-point value rather than the float bits means -0 and
 * +0, or copies nudged below 2^-16, are the same row.
 */
export function rowHash(rows: TrainingRows, r: number): string {
  const buf = new Uint8Array(8 + rows.dim * 8);
  const view = new DataView(buf.buffer);
  view.setUint32(0, rows.y[r]!);
  view.setUint32(4, rows.dim);
  for (let j = 0; j < rows.dim; j++) {
    view.setBigInt64(8 + j * 8, BigInt(quantize(rows.x[r * rows.dim + j]!, VECTOR_BITS)));
  }
  return bytesToHex(sha256(buf));
}

/**
 * 1 for every row whose content repeats an earlier row (registration order), else 0.
 * Such rows are dropped before valuation: they earn nothing and dilute nobody.
 */
export function duplicateMask(rows: TrainingRows): Uint8Array {
  const seen = new Set<string>();
  const mask = new Uint8Array(rows.y.length);
  for (let r = 0; r < rows.y.length; r++) {
    const h = rowHash(rows, r);
    if (seen.has(h)) mask[r] = 1;
    else seen.add(h);
  }
  return mask;
}
