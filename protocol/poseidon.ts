import { createRequire } from "node:module";
import { dirname } from "node:path";
import { FIELD_MODULUS as P, type Field } from "./field.ts";

/**
 * circomlib's Poseidon(n) over BN254, 1 <= n <= 16, equal to the circuit template and to
 * poseidon-lite (whose round constants and MDS matrices it uses), but about three times
 * faster: the sequencer spends most of its time here.
 *
 * Speed comes from the equivalent "sparse partial rounds" form of the Poseidon paper
 * (appendix B): in a partial round only state[0] goes through the S-box, so
 *  1. the constants of state[1..] are pushed forward through the linear layer, leaving one
 *     scalar constant per partial round, added to state[0] before its S-box;
 *  2. the MDS matrix M = M'·M'' with M' = diag(1, M̂) and M'' = [[m00, v], [ŵ, I]]; M' commutes
 *     with the next partial S-box layer and merges into the next round's matrix, so each
 *     partial round costs 2t multiplications instead of t², and one dense M̂ product is paid
 *     after the last partial round.
 * The transformed constants are derived once per arity, on first use, from the plain ones.
 * Sums of products are reduced once, not after each product.
 */
export const POSEIDON_MAX_INPUTS = 16;

const FULL_ROUNDS = 8;
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

interface Plan {
  readonly t: number;
  readonly M: readonly (readonly bigint[])[];
  /** Full-round constants, t per round, first half then second half (g_N folded in). */
  readonly fullC: readonly (readonly bigint[])[];
  /** Per partial round: the scalar constant, then v (t-1) and ŵ (t-1). */
  readonly partialA: readonly bigint[];
  readonly partialV: readonly (readonly bigint[])[];
  readonly partialW: readonly (readonly bigint[])[];
  /** M̂_N = M_sub^N, applied to state[1..] after the last partial round. */
  readonly mHatN: readonly (readonly bigint[])[];
}

const plans: Plan[] = [];

/** circomlib's Poseidon(n) over BN254 for 1 <= n <= 16 inputs; equal to the circuit template. */
export function poseidon(inputs: readonly Field[]): Field {
  const n = inputs.length;
  if (n < 1 || n > POSEIDON_MAX_INPUTS) {
    throw new RangeError(`poseidon takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${n}`);
  }
  const plan = plans[n] ?? (plans[n] = makePlan(n));
  const { t, M, fullC, partialA, partialV, partialW, mHatN } = plan;
  let s: bigint[] = [0n];
  for (const x of inputs) s.push(BigInt(x));
  const half = FULL_ROUNDS / 2;
  for (let r = 0; r < half; r++) s = mix(M, sboxAll(s, fullC[r]!));
  // state[1..] is left unreduced through the partial rounds: it grows by about one bit a
  // round (under 600 bits after 68), which costs less than a reduction each round.
  for (let i = 0; i < partialA.length; i++) {
    const x0 = pow5((s[0]! + partialA[i]!) % P);
    const v = partialV[i]!;
    const w = partialW[i]!;
    let acc = plan.M[0]![0]! * x0;
    for (let k = 1; k < t; k++) {
      acc += v[k - 1]! * s[k]!;
      s[k] = s[k]! + w[k - 1]! * x0;
    }
    s[0] = acc % P;
  }
  const rest = new Array<bigint>(t);
  rest[0] = s[0]!;
  for (let j = 1; j < t; j++) {
    const row = mHatN[j - 1]!;
    let acc = 0n;
    for (let k = 1; k < t; k++) acc += row[k - 1]! * s[k]!;
    rest[j] = acc % P;
  }
  s = rest;
  for (let r = half; r < FULL_ROUNDS - 1; r++) s = mix(M, sboxAll(s, fullC[r]!));
  // Only state[0] of the last round is the output: one row of the last mix.
  const last = sboxAll(s, fullC[FULL_ROUNDS - 1]!);
  let out = 0n;
  for (let k = 0; k < t; k++) out += M[0]![k]! * last[k]!;
  return out % P;
}

/**
 * Poseidon(n)'s constants in the form with one constant per partial round (step 1 above) and
 * the plain MDS matrix in every round, for implementations elsewhere (contracts/tools):
 *   full round r:     state = M·sbox(state + fullC[r])  (r = 0..3, then 4..7 after the partial rounds)
 *   partial round i:  state[0] = sbox(state[0] + partialC[i]); state = M·state
 * and the hash is state[0] after the last full round.
 */
export function poseidonDenseConstants(n: number): {
  M: readonly (readonly bigint[])[];
  fullC: readonly (readonly bigint[])[];
  partialC: readonly bigint[];
} {
  if (n < 1 || n > POSEIDON_MAX_INPUTS) throw new RangeError(`no Poseidon with ${n} inputs`);
  const plan = plans[n] ?? (plans[n] = makePlan(n));
  return { M: plan.M, fullC: plan.fullC, partialC: plan.partialA };
}

/**
 * Hash of a list of any length: a chain of Poseidon(16) absorbing 15 fresh elements at a
 * time, seeded with the length so that lists differing only by trailing zeros differ.
 */
export function poseidonList(items: readonly Field[]): Field {
  let acc = BigInt(items.length);
  for (let i = 0; i < items.length || i === 0; i += 15) {
    acc = poseidon([acc, ...items.slice(i, i + 15)]);
  }
  return acc;
}

function pow5(x: bigint): bigint {
  const x2 = (x * x) % P;
  return (((x2 * x2) % P) * x) % P;
}

function sboxAll(s: readonly bigint[], c: readonly bigint[]): bigint[] {
  return s.map((x, i) => pow5((x + c[i]!) % P));
}

function mix(M: readonly (readonly bigint[])[], s: readonly bigint[]): bigint[] {
  return M.map((row) => {
    let acc = 0n;
    for (let k = 0; k < row.length; k++) acc += row[k]! * s[k]!;
    return acc % P;
  });
}

/** poseidon-lite's constants for n inputs: C flat (t per round), M as rows (state' = M·state). */
function liteConstants(n: number): { C: bigint[]; M: bigint[][] } {
  // The package exports only its hash functions; its constant files sit beside them.
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("poseidon-lite"));
  const raw = require(`${dir}/constants/${n}.js`).default as { C: string[]; M: string[][] };
  const big = (b64: string) => BigInt(`0x${Buffer.from(b64, "base64").toString("hex") || "0"}`);
  return { C: raw.C.map(big), M: raw.M.map((row) => row.map(big)) };
}

function makePlan(n: number): Plan {
  const t = n + 1;
  const nP = PARTIAL_ROUNDS[t - 2]!;
  const half = FULL_ROUNDS / 2;
  const { C, M } = liteConstants(n);
  const roundC = (r: number) => C.slice(r * t, (r + 1) * t);
  const sub = M.slice(1).map((row) => row.slice(1));
  const mRow = M[0]!.slice(1);
  const mCol = M.slice(1).map((row) => row[0]!);
  const subInv = invert(sub);

  // Step 1: carry the constants of state[1..] forward (g_i = M·(0, h_i[1..])).
  const partialA: bigint[] = [];
  let g = new Array<bigint>(t).fill(0n);
  for (let i = 0; i < nP; i++) {
    const h = roundC(half + i).map((c, k) => (c + g[k]!) % P);
    partialA.push(h[0]!);
    g = matVec(M, [0n, ...h.slice(1)]);
  }
  const fullC = [0, 1, 2, 3].map(roundC);
  fullC.push(roundC(half + nP).map((c, k) => (c + g[k]!) % P));
  for (let r = half + nP + 1; r < FULL_ROUNDS + nP; r++) fullC.push(roundC(r));

  // Step 2: v_i = m_row·M_sub^(i-1), ŵ_i = M_sub^(-i)·m_col, and M̂_N = M_sub^N.
  const partialV: bigint[][] = [];
  const partialW: bigint[][] = [];
  let v = mRow;
  let w = matVec(subInv, mCol);
  let mHat = identity(t - 1);
  for (let i = 0; i < nP; i++) {
    partialV.push(v);
    partialW.push(w);
    v = vecMat(v, sub);
    w = matVec(subInv, w);
    mHat = matMul(sub, mHat);
  }
  return { t, M, fullC, partialA, partialV, partialW, mHatN: mHat };
}

function matVec(A: readonly (readonly bigint[])[], x: readonly bigint[]): bigint[] {
  return A.map((row) => row.reduce((acc, a, k) => acc + a * x[k]!, 0n) % P);
}

function vecMat(x: readonly bigint[], A: readonly (readonly bigint[])[]): bigint[] {
  return A[0]!.map((_, j) => A.reduce((acc, row, k) => acc + x[k]! * row[j]!, 0n) % P);
}

function matMul(A: readonly (readonly bigint[])[], B: readonly (readonly bigint[])[]): bigint[][] {
  return A.map((row) => B[0]!.map((_, j) => row.reduce((acc, a, k) => acc + a * B[k]![j]!, 0n) % P));
}

function identity(n: number): bigint[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n)));
}

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let x = b % P;
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
  }
  return r;
}

/** Gauss-Jordan inverse mod P; MDS submatrices are invertible, so a zero pivot is a bug. */
function invert(A: readonly (readonly bigint[])[]): bigint[][] {
  const n = A.length;
  const m = A.map((row, i) => [...row, ...identity(n)[i]!]);
  for (let col = 0; col < n; col++) {
    const pivot = m.findIndex((row, r) => r >= col && row[col] !== 0n);
    if (pivot < 0) throw new Error("Poseidon MDS submatrix is singular");
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const inv = modPow(m[col]![col]!, P - 2n);
    m[col] = m[col]!.map((x) => (x * inv) % P);
    for (let r = 0; r < n; r++) {
      if (r === col || m[r]![col] === 0n) continue;
      const f = m[r]![col]!;
      m[r] = m[r]!.map((x, j) => (((x - f * m[col]![j]!) % P) + P) % P);
    }
  }
  return m.map((row) => row.slice(n));
}
