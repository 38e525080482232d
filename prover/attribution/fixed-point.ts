import { quantize } from "../../protocol/fixed-point.ts";

/**
 * Fixed-point numbers of the attribution engine (spec: docs/attribution.md, "Fixed point").
 * `quantize` lives in protocol/ because row hashes use it too. Vectors (embeddings, the
 * gradient method's factors) use 2^16 and scores 2^32.
 */
export {
  fieldToSigned,
  MAX_MAGNITUDE,
  quantize,
  signedToField,
  VECTOR_BITS,
} from "../../protocol/fixed-point.ts";
export const SCORE_BITS = 32;

export function quantizeVector(v: Float64Array, bits: number): Float64Array {
  return v.map((x) => quantize(x, bits));
}

/** Scores in fixed point as int64 (2^32 scale). */
export function quantizeScores(scores: Float64Array): BigInt64Array {
  return BigInt64Array.from(scores, (x) => BigInt(quantize(x, SCORE_BITS)));
}

/** Canonical bytes of quantized scores: int64 little-endian, in row order. */
export function scoreBytes(q: BigInt64Array): Uint8Array {
  const out = new Uint8Array(q.length * 8);
  const view = new DataView(out.buffer);
  q.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}
