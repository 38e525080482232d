import { edwards } from "@noble/curves/abstract/edwards.js";
import { ErrorCode, OpenLedgerError } from "./errors.ts";
import { bigIntToBytesLE, bytesToBigIntLE, FIELD_MODULUS, type Field } from "./field.ts";
import { COMB_BYTES, POINT_BYTES, SQRT_MINUS_A } from "./wasm/babyjub-code.ts";
import { modInverse } from "./wasm/fr.ts";
import { alloc, E, get, jubLayout, put, putScalar, wasm } from "./wasm/module.ts";

/**
 * BabyJubJub (EIP-2494) as circomlib uses it: the twisted Edwards curve
 * 168700·x² + y² = 1 + 168696·x²·y² over the BN254 scalar field, with circomlib's Base8
 * as generator of the prime-order subgroup. Key derivation uses noble's point arithmetic
 * (noble's own `babyjubjub` EdDSA wrapper uses another base point and transcript, so it is
 * not used); multiples of Base8 for signing, the verification equation and square roots run
 * in WebAssembly.
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
  let x = sqrtRatio(num, den);
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

// WebAssembly memory for the arithmetic below: field slots and two points.
const ONE = alloc(E);
put(ONE, 1n);
const [U, V, V2, W, R, T, C, B, T2] = Array.from({ length: 9 }, () => alloc(E)) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const PUB = alloc(POINT_BYTES);
const SIG_R8 = alloc(POINT_BYTES);
const SCALARS = alloc(64);

const EXPONENTS = alloc(64);
/** (Q - 1) / 2 and 2^S - 1, for p - 1 = Q·2^S with Q odd. */
const HALF_Q = EXPONENTS;
const TWO_S_MINUS_1 = EXPONENTS + 32;

/** Square root in the BN254 scalar field, or undefined for a non-residue. */
export function sqrt(x: bigint): bigint | undefined {
  return sqrtRatio(x, 1n);
}

/**
 * A square root of u/v (v != 0), or undefined if u/v is not a square, without computing 1/v:
 * Tonelli-Shanks on n = u/v, whose starting powers n^((Q+1)/2) and n^Q come from one
 * exponentiation of u·v^(2^(S+1)-1) (RFC 9380, appendix F.2.1.1, sqrt_ratio), since
 * v^(Q·2^S) = 1. Every decoded signature decompresses R8 with it, so it runs on the
 * WebAssembly field.
 */
export function sqrtRatio(u: bigint, v: bigint): bigint | undefined {
  if (mod(u) === 0n) return 0n;
  put(U, u);
  put(V, v);
  wasm.fr_pow(V, TWO_S_MINUS_1, V2); // v^(2^S - 1)
  wasm.fr_square(V2, W);
  wasm.fr_mul(W, V, W); // v^(2^(S+1) - 1)
  wasm.fr_mul(W, U, W);
  wasm.fr_pow(W, HALF_Q, T2);
  wasm.fr_mul(T2, V2, T2);
  wasm.fr_mul(T2, U, R); // r = n^((Q+1)/2)
  wasm.fr_mul(T2, V, V2);
  wasm.fr_mul(R, V2, T); // t = n^Q
  put(C, SQRT.c);
  let m = SQRT.S;
  while (!wasm.fr_eq(T, ONE)) {
    let i = 0;
    wasm.fr_copy(T, T2);
    while (!wasm.fr_eq(T2, ONE)) {
      if (++i === m) return undefined;
      wasm.fr_square(T2, T2);
    }
    wasm.fr_copy(C, B);
    for (let j = 0; j < m - i - 1; j++) wasm.fr_square(B, B);
    m = i;
    wasm.fr_square(B, C);
    wasm.fr_mul(T, C, T);
    wasm.fr_mul(R, B, R);
  }
  return get(R);
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
putScalar(HALF_Q, (SQRT.Q - 1n) >> 1n);
putScalar(TWO_S_MINUS_1, (1n << BigInt(SQRT.S)) - 1n);

function putPoint(p: number, { x, y }: AffinePoint): void {
  put(p, x);
  put(p + E, y);
}

// Base8's multiples 0..15 and its comb table, the fixed-base half of every verification.
putPoint(PUB, BASE8);
wasm.jj_fromAffine(PUB);
wasm.jj_table(PUB, jubLayout.baseTable);
wasm.jj_comb(PUB, jubLayout.baseComb);

// A key that signs again and again gets a comb table of -(8·A) (138 kB, about five
// verifications' worth of work to build), after which its verifications need no doublings:
// about a third of the cost. Tables are built from a key's third use on, for the most
// recently used KEY_TABLES keys; their memory is reused, never freed.
const KEY_TABLES = 256;
const TABLE_AFTER_USES = 2;
const keyUses = new Map<string, number>();
const keyTables = new Map<string, number>();
const NEG_KEY = alloc(POINT_BYTES);

function combFor(A: AffinePoint): number | undefined {
  const id = `${A.x}:${A.y}`;
  const table = keyTables.get(id);
  if (table !== undefined) {
    keyTables.delete(id);
    keyTables.set(id, table);
    return table;
  }
  const uses = (keyUses.get(id) ?? 0) + 1;
  if (uses <= TABLE_AFTER_USES) {
    if (keyUses.size >= 100_000) keyUses.clear();
    keyUses.set(id, uses);
    return undefined;
  }
  keyUses.delete(id);
  let slot: number;
  if (keyTables.size >= KEY_TABLES) {
    const [oldest, reused] = keyTables.entries().next().value!;
    keyTables.delete(oldest);
    slot = reused;
  } else {
    slot = alloc(COMB_BYTES);
  }
  wasm.jj_prepareKey(PUB, NEG_KEY);
  wasm.jj_comb(NEG_KEY, slot);
  keyTables.set(id, slot);
  return slot;
}

/**
 * The EdDSA verification equation S·Base8 = R8 + h·(8·A) for canonical coordinates and
 * scalars S, h < l, with A and R8 checked to lie on the curve; in WebAssembly
 * (protocol/wasm/babyjub-code.ts): with comb tables for a frequent key, otherwise one shared
 * chain of doublings for both scalars.
 */
export function verifyEquation(S: bigint, h: bigint, A: AffinePoint, R8: AffinePoint): boolean {
  putPoint(PUB, A);
  putPoint(SIG_R8, R8);
  if (!wasm.jj_onCurve(PUB) || !wasm.jj_onCurve(SIG_R8)) return false;
  putScalar(SCALARS, S);
  putScalar(SCALARS + 32, h);
  const comb = combFor(A);
  const ok =
    comb === undefined
      ? wasm.jj_verify(SCALARS, SCALARS + 32, PUB, SIG_R8)
      : wasm.jj_verifyComb(SCALARS, SCALARS + 32, comb, SIG_R8);
  return ok === 1;
}

const BASE_MULTIPLE = alloc(POINT_BYTES);
const INV_SQRT_MINUS_A = modInverse(SQRT_MINUS_A, FIELD_MODULUS);

/**
 * s·Base8 for 0 <= s < 2^256, in WebAssembly from Base8's comb table, without memory accesses
 * or branches that depend on s (`jj_mulBase`): a signature's nonce point, about a tenth of
 * noble's cost. Back from the working curve: x = X / (Z·√-a), y = Y / Z.
 */
export function mulBase(s: bigint): AffinePoint {
  putScalar(SCALARS, s);
  wasm.jj_mulBase(SCALARS, BASE_MULTIPLE);
  const zInv = modInverse(get(BASE_MULTIPLE + 2 * E), FIELD_MODULUS);
  return {
    x: (((get(BASE_MULTIPLE) * zInv) % FIELD_MODULUS) * INV_SQRT_MINUS_A) % FIELD_MODULUS,
    y: (get(BASE_MULTIPLE + E) * zInv) % FIELD_MODULUS,
  };
}
