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

/**
 * Checks a key an L2 account may hold, as the L1 Rollup's `deposit` does (docs/protocol.md
 * section 8): a curve point with canonical coordinates that is not of small order. Under a
 * small-order key (the identity among them) every signature verifies, because the check
 * multiplies the key by the cofactor 8. Such a key can never enter the queue, so the key
 * encoding (y and the sign of x) always gives back the exact point L1 hashed.
 */
export function checkAccountKey(key: AffinePoint, what = "public key"): Point {
  const p = fromAffine(key, what);
  if (p.isSmallOrder())
    throw new OpenLedgerError(
      ErrorCode.InvalidKey,
      `${what} is a point of small order: anyone could sign for it`,
    );
  return p;
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

/**
 * Square root in the BN254 scalar field, or undefined for a non-residue: Tonelli-Shanks with
 * one exponentiation. p - 1 = Q·2^28; w = x^((Q-1)/2) gives both the first root guess x·w and
 * the fudge factor x·w², and a non-residue shows itself when the loop runs out of powers of
 * two. Every signature check decompresses R8 with it, so it is kept lean (noble's generic
 * version spends three more exponentiations, one of them a Legendre symbol).
 */
export function sqrt(x: bigint): bigint | undefined {
  const n = mod(x);
  if (n === 0n) return 0n;
  const w = powMod(n, (SQRT.Q - 1n) >> 1n);
  let r = (n * w) % FIELD_MODULUS;
  let t = (r * w) % FIELD_MODULUS;
  let c = SQRT.c;
  let m = SQRT.S;
  while (t !== 1n) {
    let i = 0;
    for (let t2 = t; t2 !== 1n; t2 = (t2 * t2) % FIELD_MODULUS) {
      if (++i === m) return undefined;
    }
    let b = c;
    for (let j = 0; j < m - i - 1; j++) b = (b * b) % FIELD_MODULUS;
    m = i;
    c = (b * b) % FIELD_MODULUS;
    t = (t * c) % FIELD_MODULUS;
    r = (r * b) % FIELD_MODULUS;
  }
  return r;
}

function powMod(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = base;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % FIELD_MODULUS;
    b = (b * b) % FIELD_MODULUS;
  }
  return result;
}

/** p - 1 = Q·2^S with Q odd, and c = z^Q for the least quadratic non-residue z. */
const SQRT = (() => {
  let Q = FIELD_MODULUS - 1n;
  let S = 0;
  while ((Q & 1n) === 0n) {
    Q >>= 1n;
    S++;
  }
  let z = 2n;
  while (powMod(z, (FIELD_MODULUS - 1n) >> 1n) === 1n) z++;
  return { Q, S, c: powMod(z, Q) };
})();
