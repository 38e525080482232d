import { edwards } from "@noble/curves/abstract/edwards.js";
import { ErrorCode, OpenLedgerError } from "./errors.ts";
import { bigIntToBytesLE, bytesToBigIntLE, FIELD_MODULUS, type Field } from "./field.ts";

/**
 * BabyJubJub (EIP-2494) as circomlib uses it: the twisted Edwards curve
 * 168700·x² + y² = 1 + 168696·x²·y² over the BN254 scalar field, with circomlib's Base8
 * as generator of the prime-order subgroup. Point arithmetic is noble's; noble's own
 * `babyjubjub` EdDSA wrapper uses another base point and transcript, so it is not used.
 */
export const SUBGROUP_ORDER = 2736030358979909402780800718157159386076813972158567259200215660948447373041n;

export const BASE8 = {
  x: 5299619240641551281634865583518297030282874472190772894086521144482721001553n,
  y: 16950150798460657717958625567821834550301663161624707787222815936182638968203n,
} as const;

export const Point = edwards({
  p: FIELD_MODULUS,
  n: SUBGROUP_ORDER,
  h: 8n,
  a: 168700n,
  d: 168696n,
  Gx: BASE8.x,
  Gy: BASE8.y,
});
export type Point = InstanceType<typeof Point>;

export interface AffinePoint {
  readonly x: Field;
  readonly y: Field;
}

export function toAffine(p: Point): AffinePoint {
  const { x, y } = p.toAffine();
  return { x, y };
}

/** Parses an affine point and checks that it lies on the curve. */
export function fromAffine({ x, y }: AffinePoint, what = "point"): Point {
  try {
    const p = Point.fromAffine({ x, y });
    p.assertValidity();
    return p;
  } catch {
    throw new OpenLedgerError(ErrorCode.InvalidKey, `${what} is not a BabyJubJub point`);
  }
}

const HALF = FIELD_MODULUS >> 1n;

/** 32 bytes: y little-endian, with the top bit set when x > (p-1)/2 (circomlib's packPoint). */
export function packPoint({ x, y }: AffinePoint): Uint8Array {
  const out = bigIntToBytesLE(y, 32);
  if (x > HALF) out[31]! |= 0x80;
  return out;
}

export function unpackPoint(bytes: Uint8Array, what = "point"): AffinePoint {
  if (bytes.length !== 32) throw new OpenLedgerError(ErrorCode.InvalidKey, `${what} must be 32 bytes`);
  const buf = Uint8Array.from(bytes);
  const sign = (buf[31]! & 0x80) !== 0;
  buf[31]! &= 0x7f;
  const y = bytesToBigIntLE(buf);
  if (y >= FIELD_MODULUS) throw new OpenLedgerError(ErrorCode.InvalidKey, `${what} has y outside the field`);
  // x² = (1 - y²) / (a - d·y²)
  const y2 = (y * y) % FIELD_MODULUS;
  const num = mod(1n - y2);
  const den = mod(168700n - 168696n * y2);
  const x2 = (num * inverse(den)) % FIELD_MODULUS;
  let x = sqrt(x2);
  if (x === undefined) throw new OpenLedgerError(ErrorCode.InvalidKey, `${what} is not on the curve`);
  if (x > HALF !== sign) x = mod(-x);
  if (sign && x === 0n)
    throw new OpenLedgerError(ErrorCode.InvalidKey, `${what} has a non-canonical sign bit`);
  return { x, y };
}

const Fp = Point.Fp;

function mod(x: bigint): bigint {
  return Fp.create(x);
}

function inverse(x: bigint): bigint {
  return Fp.inv(x);
}

function sqrt(x: bigint): bigint | undefined {
  try {
    const r = Fp.sqrt(x);
    return Fp.eql(Fp.sqr(r), x) ? r : undefined;
  } catch {
    return undefined;
  }
}
