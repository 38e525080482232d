/**
 * Scalar-field (Fr) arithmetic for the dev setup: powers of tau and Lagrange-basis
 * evaluations L_i(tau) over the power-of-two domains snarkjs uses. Plain bigint; the
 * expensive part (group multiplications) happens in the fixed-base children.
 */

/** BN254 scalar field order r. */
export const FR_ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** BN254 base field order q (ptau and zkey headers name the curve by it). */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** 2^28 divides r - 1: the largest power-of-two domain. */
const TWO_ADICITY = 28;
/** The smallest quadratic non-residue of Fr; ffjavascript derives its roots of unity from it. */
const NON_RESIDUE = 5n;

export function mod(a: bigint): bigint {
  const m = a % FR_ORDER;
  return m < 0n ? m + FR_ORDER : m;
}

export function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % FR_ORDER;
    b = (b * b) % FR_ORDER;
  }
  return result;
}

export function inverse(a: bigint): bigint {
  if (mod(a) === 0n) throw new RangeError("zero has no inverse");
  return pow(a, FR_ORDER - 2n);
}

/** Primitive 2^k-th root of unity, the same one ffjavascript's `Fr.w[k]` holds. */
export function rootOfUnity(k: number): bigint {
  if (k > TWO_ADICITY) throw new RangeError(`Fr has no 2^${k}-th roots of unity`);
  const w = pow(NON_RESIDUE, (FR_ORDER - 1n) >> BigInt(TWO_ADICITY));
  return pow(w, 1n << BigInt(TWO_ADICITY - k));
}

/** [factor * x^0, factor * x^1, ..., factor * x^(count-1)]. */
export function powers(x: bigint, count: number, factor = 1n): bigint[] {
  const out = new Array<bigint>(count);
  let acc = mod(factor);
  for (let i = 0; i < count; i++) {
    out[i] = acc;
    acc = (acc * x) % FR_ORDER;
  }
  return out;
}

/** Montgomery's trick: all inverses for the price of one inversion and 3n multiplications. */
function batchInverse(values: bigint[]): bigint[] {
  const prefix = new Array<bigint>(values.length);
  let acc = 1n;
  for (let i = 0; i < values.length; i++) {
    prefix[i] = acc;
    acc = (acc * values[i]!) % FR_ORDER;
  }
  let inv = inverse(acc);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inv * prefix[i]!) % FR_ORDER;
    inv = (inv * values[i]!) % FR_ORDER;
  }
  return out;
}

/**
 * factor * L_i(tau) for i < 2^level, where L_i is the Lagrange basis of the domain of
 * 2^level-th roots of unity: L_i(tau) = w^i (tau^n - 1) / (n (tau - w^i)).
 *
 * `withoutTopPower` reproduces snarkjs's `prepare phase2` at level power+1: the ptau holds
 * only 2^(power+1) - 1 powers of tau, so snarkjs transforms a vector whose last entry is the
 * point at infinity, which removes the term tau^(n-1) w^i / n from every evaluation.
 */
export function lagrangeEvaluations(
  tau: bigint,
  level: number,
  factor = 1n,
  withoutTopPower = false,
): bigint[] {
  return lagrangeAt(tau, level, powers(rootOfUnity(level), 1 << level), factor, withoutTopPower);
}

/**
 * The odd entries (i = 1, 3, 5, ...) of `lagrangeEvaluations(tau, level, 1n, true)`: the H
 * query `zkey new` copies from the ptau's level power+1, without computing the even half.
 */
export function oddLagrangeEvaluationsWithoutTopPower(tau: bigint, level: number): bigint[] {
  const w = rootOfUnity(level);
  return lagrangeAt(tau, level, powers((w * w) % FR_ORDER, 1 << (level - 1), w), 1n, true);
}

/** factor * L_i(tau) (see lagrangeEvaluations) at the given roots w^i of the 2^level domain. */
function lagrangeAt(
  tau: bigint,
  level: number,
  roots: bigint[],
  factor: bigint,
  withoutTopPower: boolean,
): bigint[] {
  const nBig = BigInt(1 << level);
  const denominators = batchInverse(roots.map((wi) => mod(tau - wi)));
  const common = (mod(factor) * (pow(tau, nBig) - 1n + FR_ORDER) * inverse(nBig)) % FR_ORDER;
  const top = withoutTopPower ? (pow(tau, nBig - 1n) * inverse(nBig)) % FR_ORDER : 0n;
  const scaledTop = (top * mod(factor)) % FR_ORDER;
  return roots.map((wi, i) =>
    mod(((((common * wi) % FR_ORDER) * denominators[i]!) % FR_ORDER) - scaledTop * wi),
  );
}

/** 32 bytes little-endian per scalar: the input format of the fixed-base children. */
export function encodeScalars(values: bigint[]): Uint8Array {
  const out = Buffer.alloc(values.length * 32);
  values.forEach((v, i) => writeScalar(out, i * 32, v));
  return out;
}

/** A value below 2^256 as 32 bytes little-endian at `offset`. */
export function writeScalar(out: Buffer, offset: number, value: bigint): void {
  for (let limb = 0; limb < 4; limb++) {
    out.writeBigUInt64LE((value >> BigInt(64 * limb)) & 0xffffffffffffffffn, offset + limb * 8);
  }
}

/** The 32-byte little-endian value at `offset` (not reduced). */
export function readScalar(bytes: Buffer, offset: number): bigint {
  return (
    bytes.readBigUInt64LE(offset) |
    (bytes.readBigUInt64LE(offset + 8) << 64n) |
    (bytes.readBigUInt64LE(offset + 16) << 128n) |
    (bytes.readBigUInt64LE(offset + 24) << 192n)
  );
}
