import { type ModelContext, memo } from "./context.ts";
import { factorOrThrow, fitHead, refitWithout } from "./head-fit.ts";
import { gradient, hessian, probsAt, rowGradient, thetaSize } from "./head.ts";

/** Labelled test points in embedding space. */
export interface TestPoints {
  /** m x dim quantized embeddings. */
  readonly f: Float64Array;
  readonly labels: Int32Array;
}

/**
 * Leave-one-out: retrain the head without row i (to the exact optimum) and measure the
 * drop in each test point's log-likelihood, log p(y | x; theta*) - log p(y | x; theta_-i).
 * Returns an m x n matrix (test-major). Cost: one refit per row, shared by all test points.
 */
export function looScores(ctx: ModelContext, tests: TestPoints): Float64Array {
  const { dim, classes } = ctx.data;
  const n = ctx.data.y.length;
  const m = tests.labels.length;
  const { optimum, factor } = memo(ctx, "loo/optimum", () => {
    const optimum = fitHead(ctx.data, ctx.theta, { l2: ctx.l2 });
    return { optimum, factor: factorOrThrow(hessian(optimum, ctx.data, ctx.l2), thetaSize(dim, classes)) };
  });
  const base = logLikelihoods(optimum, tests, dim, classes);
  const full = gradient(optimum, ctx.data, ctx.l2);
  const out = new Float64Array(m * n);
  const keep = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    keep[i] = 0;
    const gi = rowGradient(optimum, ctx.data.f.subarray(i * dim, (i + 1) * dim), ctx.data.y[i]!, classes);
    const first = full.map((v, k) => v - gi[k]! / n);
    const without = logLikelihoods(
      refitWithout(ctx.data, optimum, factor, keep, ctx.l2, first),
      tests,
      dim,
      classes,
    );
    keep[i] = 1;
    for (let t = 0; t < m; t++) out[t * n + i] = base[t]! - without[t]!;
  }
  return out;
}

function logLikelihoods(theta: Float64Array, tests: TestPoints, dim: number, classes: number): Float64Array {
  const p = new Float64Array(classes);
  return Float64Array.from(tests.labels, (label, t) => {
    probsAt(theta, tests.f, t, dim, classes, p);
    return Math.log(p[label]!);
  });
}
