import { type RowFactors, rowScoreOfDots } from "../../protocol/rewards/row-scores.ts";
import type { TracinFactors } from "../../protocol/rewards/tracin-witness.ts";
import { inferenceFeatures, type ModelContext, memo } from "./context.ts";
import { quantize, SCORE_BITS, VECTOR_BITS } from "./fixed-point.ts";
import { probsAt, residuals } from "./head.ts";
import type { Inference } from "./types.ts";

/**
 * TracIn at the final checkpoint, restricted to the linear head, in factored per-row form
 * (docs/attribution.md §3, §6). A row's head gradient is the outer product (p − onehot(y)) ⊗
 * [f, 1]; each factor is quantized at 2^16 (r = q(p − onehot), x = q([f, 1])), so the score
 * <r_t, r_i>·<x_t, x_i> is an exact integer at 2^64, floored to 2^32
 * (protocol/rewards/row-scores.ts, which the reward circuit twins). Factors are integer-valued
 * doubles here; the dot products run in float64 while provably exact.
 */
export interface Factors {
  /** n x classes. */
  readonly r: Float64Array;
  /** n x (dim + 1), the bias factor 2^16 last. */
  readonly x: Float64Array;
}

const ONE = 2 ** VECTOR_BITS;

/** The factors of every non-duplicate training row (ctx.active order). */
export function rowFactors(ctx: ModelContext): Factors {
  return memo(ctx, "tracin/factors", () => {
    const { dim, f } = ctx.data;
    const n = ctx.active.length;
    const x = new Float64Array(n * (dim + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) x[i * (dim + 1) + j] = quantize(f[i * dim + j]!, VECTOR_BITS);
      x[i * (dim + 1) + dim] = ONE;
    }
    return { r: residuals(ctx.theta, ctx.data).map((v) => quantize(v, VECTOR_BITS)), x };
  });
}

/** The factors of a test point (embedding f, attributed label): what its feature commitment binds. */
export function testFactors(ctx: ModelContext, f: Float64Array, label: number): Factors {
  const { dim, classes } = ctx.data;
  const p = new Float64Array(classes);
  probsAt(ctx.theta, f, 0, dim, classes, p);
  const x = new Float64Array(dim + 1);
  for (let j = 0; j < dim; j++) x[j] = quantize(f[j]!, VECTOR_BITS);
  x[dim] = ONE;
  return { r: p.map((v, a) => quantize(v - (a === label ? 1 : 0), VECTOR_BITS)), x };
}

/** Per-row scores at 2^32 as reals (each an integer over 2^32 below 2^52 in magnitude: exact). */
export function tracinScores(ctx: ModelContext, test: Factors): Float64Array {
  const rows = rowFactors(ctx);
  const k = test.r.length;
  const e = test.x.length;
  const n = rows.r.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // |r| ≤ 2^16 entrywise, so the class dot is below k·2^32: exact in float64.
    let rDot = 0;
    for (let a = 0; a < k; a++) rDot += rows.r[i * k + a]! * test.r[a]!;
    const a = rowScoreOfDots(BigInt(rDot), exactDot(rows.x, i * e, test.x));
    out[i] = Number(a) / 2 ** SCORE_BITS;
  }
  return out;
}

/** The factors as integers, grouped by contribution (registration order): what the checkpoint commits. */
export function contributionFactors(ctx: ModelContext): RowFactors[][] {
  const rows = rowFactors(ctx);
  const k = ctx.data.classes;
  const e = ctx.data.dim + 1;
  const out: RowFactors[][] = ctx.rows.contributions.map(() => []);
  ctx.active.forEach((row, i) => {
    out[ctx.rows.contribution[row]!]!.push(
      integerFactors({
        r: rows.r.subarray(i * k, (i + 1) * k),
        x: rows.x.subarray(i * e, (i + 1) * e),
      }),
    );
  });
  return out;
}

/** An inference's factors as integers, at the label attributed: what its feature commitment binds. */
export function inferenceFactors(ctx: ModelContext, inference: Inference): RowFactors {
  const { f, label } = inferenceFeatures(ctx, inference);
  return integerFactors(testFactors(ctx, f, label));
}

/**
 * What the gradient method's settlement circuit opens for inputs `inputs` (the settlement's
 * order): every contribution's row factors and each input's test factors.
 */
export function settlementFactors(ctx: ModelContext, inputs: readonly Float64Array[]): TracinFactors {
  return {
    contributions: contributionFactors(ctx),
    inferences: inputs.map((x) => inferenceFactors(ctx, { x })),
  };
}

export function integerFactors(f: Factors): RowFactors {
  return { r: Array.from(f.r, BigInt), x: Array.from(f.x, BigInt) };
}

/**
 * Integer dot product of integer-valued doubles. While the sum of |products| stays below
 * 2^53 every partial sum is exact in float64; otherwise it is redone in BigInt.
 */
function exactDot(a: Float64Array, offset: number, b: Float64Array): bigint {
  let s = 0;
  let bound = 0;
  for (let k = 0; k < b.length; k++) {
    const p = a[offset + k]! * b[k]!;
    s += p;
    bound += Math.abs(p);
  }
  if (bound < 2 ** 53) return BigInt(s);
  let big = 0n;
  for (let k = 0; k < b.length; k++) big += BigInt(a[offset + k]!) * BigInt(b[k]!);
  return big;
}
