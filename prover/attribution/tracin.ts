import { type ModelContext, memo } from "./context.ts";
import { quantizeVector, SCORE_BITS, VECTOR_BITS } from "./fixed-point.ts";
import { rowGradient, thetaSize } from "./head.ts";

/**
 * TracIn at the final checkpoint, restricted to the linear head: the score of row i for a
 * test point is <g_test, g_i>, the first-order drop in test loss from one gradient step on
 * row i. Both gradients are quantized to 2^-16 first and the dot product is exact, so the
 * score is the integer a circuit recomputes from the committed vectors (scale 2^32), and a
 * contribution's score <g_test, G_c> with G_c = sum of its rows' quantized gradients is
 * exactly the sum of its rows' scores.
 */
export function quantizedRowGradients(ctx: ModelContext): Float64Array {
  return memo(ctx, "tracin/rows", () => {
    const { dim, classes, f, y } = ctx.data;
    const size = thetaSize(dim, classes);
    const out = new Float64Array(y.length * size);
    for (let r = 0; r < y.length; r++) {
      const g = rowGradient(ctx.theta, f.subarray(r * dim, (r + 1) * dim), y[r]!, classes);
      out.set(quantizeVector(g, VECTOR_BITS), r * size);
    }
    return out;
  });
}

/** The test point's quantized head gradient: the vector the feature commitment binds. */
export function quantizedTestGradient(ctx: ModelContext, f: Float64Array, label: number): Float64Array {
  return quantizeVector(rowGradient(ctx.theta, f, label, ctx.data.classes), VECTOR_BITS);
}

/** Per-row scores (real values; each is an integer over 2^32, hence exact in fixed point). */
export function tracinScores(ctx: ModelContext, gTest: Float64Array): Float64Array {
  const rows = quantizedRowGradients(ctx);
  const size = gTest.length;
  const n = rows.length / size;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = exactDot(rows, r * size, gTest) / 2 ** SCORE_BITS;
  return out;
}

/** G_c for each contribution (registration order): the sum of its rows' quantized gradients. */
export function contributionGradients(ctx: ModelContext): bigint[][] {
  const rows = quantizedRowGradients(ctx);
  const size = thetaSize(ctx.data.dim, ctx.data.classes);
  const sums = ctx.rows.contributions.map(() => new Array<bigint>(size).fill(0n));
  ctx.active.forEach((row, r) => {
    const g = sums[ctx.rows.contribution[row]!]!;
    for (let k = 0; k < size; k++) g[k]! += BigInt(rows[r * size + k]!);
  });
  return sums;
}

/**
 * Integer dot product of integer-valued doubles. While the sum of |products| stays below
 * 2^53 every partial sum is exact in float64; otherwise it is redone in BigInt.
 */
function exactDot(a: Float64Array, offset: number, b: Float64Array): number {
  let s = 0;
  let bound = 0;
  for (let k = 0; k < b.length; k++) {
    const p = a[offset + k]! * b[k]!;
    s += p;
    bound += Math.abs(p);
  }
  if (bound < 2 ** 53) return s;
  let big = 0n;
  for (let k = 0; k < b.length; k++) big += BigInt(a[offset + k]!) * BigInt(b[k]!);
  return Number(big);
}
