import { ErrorCode, OpenLedgerError } from "./errors.ts";
import { FIELD_MODULUS, type Field } from "./field.ts";

/**
 * Fixed-point numbers (spec: docs/attribution.md §4). A real x at scale 2^bits is the
 * integer q = roundHalfEven(x * 2^bits), saturated to |q| <= MAX_MAGNITUDE. Row features
 * (and so row hashes, docs/protocol.md §10) and the attribution engine's vectors use 2^16.
 */
export const VECTOR_BITS = 16;
/** 2^52 - 1: every quantized value and x * 2^bits stay exact in a float64. */
export const MAX_MAGNITUDE = 2 ** 52 - 1;

/** q as an integer-valued double. NaN is refused: it would make replays disagree silently. */
export function quantize(x: number, bits: number): number {
  if (Number.isNaN(x)) throw new OpenLedgerError(ErrorCode.InvalidEncoding, "cannot quantize NaN");
  const v = x * 2 ** bits;
  if (v >= MAX_MAGNITUDE) return MAX_MAGNITUDE;
  if (v <= -MAX_MAGNITUDE) return -MAX_MAGNITUDE;
  const floor = Math.floor(v);
  const frac = v - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
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
