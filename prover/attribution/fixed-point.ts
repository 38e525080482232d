import { FIELD_MODULUS, type Field } from "../../protocol/field.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";

/**
 * Fixed-point numbers of the attribution engine (spec: docs/attribution.md, "Fixed point").
 * A real x at scale 2^bits is the integer q = roundHalfEven(x * 2^bits), saturated to
 * |q| <= MAX_MAGNITUDE. Vectors (embeddings, gradients, G_c) use 2^16 and scores 2^32, so
 * the dot product of two committed vectors is a score with no rescaling.
 */
export const VECTOR_BITS = 16;
export const SCORE_BITS = 32;
/** 2^52 - 1: every quantized value and x * 2^bits stay exact in a float64. */
export const MAX_MAGNITUDE = 2 ** 52 - 1;

/** q as an integer-valued double. NaN is refused: it would make replays disagree silently. */
export function quantize(x: number, bits: number): number {
  if (Number.isNaN(x)) throw new ProverError(ProverErrorCode.InvalidAttribution, "cannot quantize NaN");
  const v = x * 2 ** bits;
  if (v >= MAX_MAGNITUDE) return MAX_MAGNITUDE;
  if (v <= -MAX_MAGNITUDE) return -MAX_MAGNITUDE;
  const floor = Math.floor(v);
  const frac = v - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function quantizeVector(v: Float64Array, bits: number): Float64Array {
  return v.map((x) => quantize(x, bits));
}

/** Scores in fixed point as int64 (2^32 scale). */
export function quantizeScores(scores: Float64Array): BigInt64Array {
  return BigInt64Array.from(scores, (x) => BigInt(quantize(x, SCORE_BITS)));
}

/** The field element of a signed integer: x mod p, so -1 is p - 1. */
export function signedToField(q: bigint | number): Field {
  const v = BigInt(q) % FIELD_MODULUS;
  return v < 0n ? v + FIELD_MODULUS : v;
}

/** Inverse of `signedToField` for |q| < p / 2. */
export function fieldToSigned(f: Field): bigint {
  return f > FIELD_MODULUS / 2n ? f - FIELD_MODULUS : f;
}

/** Canonical bytes of quantized scores: int64 little-endian, in row order. */
export function scoreBytes(q: BigInt64Array): Uint8Array {
  const out = new Uint8Array(q.length * 8);
  const view = new DataView(out.buffer);
  q.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}
