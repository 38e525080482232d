import { type ModelContext, memo } from "./context.ts";
import { factorOrThrow } from "./head-fit.ts";
import { hessian, residuals, rowGradient, thetaSize } from "./head.ts";
import { choleskySolve } from "./linalg.ts";

/**
 * Influence functions (Koh & Liang, 2017) on the head, with the exact damped Hessian of the
 * head objective: removing row i moves the head by about (1/n) H^-1 g_i, which changes the
 * test loss by (1/n) g_test^T H^-1 g_i. That change is the score: positive when the row
 * helps the test point. One Cholesky factor per (model, rows, damping); per test point one
 * solve, then n rank-one dot products since g_i = (p_i - onehot(y_i)) x [f_i, 1].
 */
export function influenceScores(
  ctx: ModelContext,
  f: Float64Array,
  label: number,
  damping: number,
): Float64Array {
  const { dim, classes, f: feats } = ctx.data;
  const n = ctx.data.y.length;
  const factor = memo(ctx, `influence/factor/${damping}`, () =>
    factorOrThrow(hessian(ctx.theta, ctx.data, ctx.l2, damping), thetaSize(dim, classes)),
  );
  const res = memo(ctx, "head/residuals", () => residuals(ctx.theta, ctx.data));
  const v = choleskySolve(factor, rowGradient(ctx.theta, f, label, classes));
  const w = dim + 1;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let a = 0; a < classes; a++) {
      let z = v[a * w + dim]!;
      for (let j = 0; j < dim; j++) z += v[a * w + j]! * feats[r * dim + j]!;
      s += res[r * classes + a]! * z;
    }
    out[r] = s / n;
  }
  return out;
}
