import { bytesToHex } from "@noble/hashes/utils.js";
import { rowBytes, rowHash as canonicalRowHash } from "../../protocol/provenance/rows.ts";
import type { TrainingRows } from "./types.ts";

/**
 * Content hash of row r as hex: SHA-256 of its canonical bytes (label u32, dim u32, each
 * feature as int64 at scale 2^16, big-endian; protocol/provenance/rows.ts). Hashing the
 * fixed-point value rather than the float bits means -0 and +0, or copies nudged below
 * 2^-16, are the same row.
 */
export function rowHash(rows: TrainingRows, r: number): string {
  const features = rows.x.subarray(r * rows.dim, (r + 1) * rows.dim);
  return bytesToHex(canonicalRowHash(rowBytes(rows.y[r]!, features)));
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
