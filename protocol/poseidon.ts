import { createRequire } from "node:module";
import { dirname } from "node:path";
import { FIELD_MODULUS as P, type Field } from "./field.ts";
import { alloc, E, get, put, wasm } from "./wasm/module.ts";
import { planLayout, stateScratch } from "./wasm/poseidon-code.ts";

/**
 * circomlib's Poseidon(n) over BN254, 1 <= n <= 16, equal to the circuit template and to
 * poseidon-lite (whose round constants and MDS matrices it uses). The permutation runs in
 * WebAssembly (protocol/wasm/poseidon-code.ts), one call per hash: the sequencer spends most
 * of its time here.
 *
 * It runs in the equivalent "sparse partial rounds" form of the Poseidon paper (appendix B):
 * in a partial round only state[0] goes through the S-box, so
 *  1. the constants of state[1..] are pushed forward through the linear layer, leaving one
 *     scalar constant per partial round, added to state[0] before its S-box;
 *  2. the MDS matrix M = M'·M'' with M' = diag(1, M̂) and M'' = [[m00, v], [ŵ, I]]; M' commutes
 *     with the next partial S-box layer and merges into the next round's matrix, so each
 *     partial round costs 2t multiplications instead of t², and one dense M̂ product is paid
 *     after the last partial round.
 * The transformed constants (the plan) are derived here once per arity, on first use, from
 * the plain ones, and copied into WebAssembly memory in Montgomery form.
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

/** Per arity: the plan's address in WebAssembly memory and the state buffer's. */
const loaded: Array<{ plan: number; state: number; t: number; nP: number }> = [];

/** circomlib's Poseidon(n) over BN254 for 1 <= n <= 16 inputs; equal to the circuit template. */
export function poseidon(inputs: readonly Field[]): Field {
  const n = inputs.length;
  if (n < 1 || n > POSEIDON_MAX_INPUTS) {
    throw new RangeError(`poseidon takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${n}`);
  }
  const { plan, state, t, nP } = loaded[n] ?? (loaded[n] = load(makePlan(n)));
  put(state, 0n);
  for (let i = 0; i < n; i++) put(state + (i + 1) * E, BigInt(inputs[i]!));
  wasm.poseidon_perm(plan, t, nP, state);
  return get(state);
}

function load(p: Plan): { plan: number; state: number; t: number; nP: number } {
  const { t } = p;
  const nP = p.partialA.length;
  const at = planLayout(t, nP);
  const plan = alloc(at.elements * E);
  const write = (offset: number, values: readonly bigint[]) =>
    values.forEach((v, i) => put(plan + (offset + i) * E, v));
  write(at.M, p.M.flat());
  write(at.fullC, p.fullC.flat());
  write(at.partialA, p.partialA);
  write(at.partialV, p.partialV.flat());
  write(at.partialW, p.partialW.flat());
  write(at.mHat, p.mHatN.flat());
  return { plan, state: alloc((t + stateScratch(t)) * E), t, nP };
}

/**
 * Poseidon(n)'s constants in the sparse form above, for implementations elsewhere
 * (contracts/tools):
 *   full round r:     state = M·sbox(state + fullC[r])  (r = 0..3, then 4..7 after the partial rounds)
 *   partial round i:  x = sbox(state[0] + partialA[i]); state[0] = M[0][0]·x + partialV[i]·state[1..];
 *                     state[k] += partialW[i][k-1]·x (k >= 1)
 *   after the last:   state[1..] = mHatN·state[1..]
 * and the hash is state[0] after the last full round's linear layer.
 */
export function poseidonSparseConstants(n: number): Omit<Plan, "t"> {
  if (n < 1 || n > POSEIDON_MAX_INPUTS) throw new RangeError(`no Poseidon with ${n} inputs`);
  return makePlan(n);
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
