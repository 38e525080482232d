import { type HeadData, gradient, hessian, objective } from "./head.ts";
import { type Cholesky, cholesky, choleskySolve } from "./linalg.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";

export interface FitOptions {
  readonly l2: number;
  /** Rows to fit on (weight 1); all rows when omitted. */
  readonly keep?: Uint8Array;
  readonly maxIterations?: number;
  /** Stop when the largest gradient entry is below this. */
  readonly tolerance?: number;
}

/**
 * The minimiser of the (strictly convex) head objective from `init`, by Newton's method
 * with backtracking, reusing each Hessian factor for further steps while they still lower
 * the objective (building and factoring the Hessian costs far more than a gradient).
 * Influence functions assume the head sits at this optimum, so the training pipeline ends
 * with it, and leave-one-out retrains with it.
 */
export function fitHead(data: HeadData, init: Float64Array, options: FitOptions): Float64Array {
  const { l2, keep } = options;
  const tolerance = options.tolerance ?? 1e-10;
  let theta = init.slice();
  let value = objective(theta, data, l2, keep);
  let g = gradient(theta, data, l2, keep);
  for (let it = 0; it < (options.maxIterations ?? 50) && maxAbs(g) >= tolerance; it++) {
    const factor = factorOrThrow(hessian(theta, data, l2), theta.length);
    // The first step from a fresh factor is a damped Newton step; later ones are kept
    // only while they still decrease the objective.
    for (let step = 0; step < 10 && maxAbs(g) >= tolerance; step++) {
      const direction = choleskySolve(factor, g);
      let t = 1;
      let next = theta.map((v, k) => v - direction[k]!);
      let nextValue = objective(next, data, l2, keep);
      while (step === 0 && nextValue > value && t > 1e-8) {
        t /= 2;
        next = theta.map((v, k) => v - t * direction[k]!);
        nextValue = objective(next, data, l2, keep);
      }
      if (nextValue > value) {
        // Newton itself cannot lower the objective: converged to float64 precision.
        if (step === 0) return theta;
        break;
      }
      theta = next;
      value = nextValue;
      g = gradient(theta, data, l2, keep);
    }
  }
  return theta;
}

/**
 * Leave-one-out refit: from the full-data optimum, iterate theta -= H^-1 grad_{-i}(theta)
 * with the full-data Hessian H fixed. Removing one row perturbs the objective by O(1/n), so
 * this contracts fast to the exact minimiser without rebuilding H per row. `firstGradient`,
 * the kept rows' gradient at the optimum, saves one pass when the caller has it (it is the
 * full gradient minus the removed row's term).
 */
export function refitWithout(
  data: HeadData,
  optimum: Float64Array,
  factor: Cholesky,
  keep: Uint8Array,
  l2: number,
  firstGradient?: Float64Array,
  tolerance = 1e-10,
): Float64Array {
  let theta = optimum;
  let g = firstGradient ?? gradient(theta, data, l2, keep);
  for (let it = 0; it < 30; it++) {
    const step = choleskySolve(factor, g);
    theta = theta.map((v, k) => v - step[k]!);
    if (maxAbs(step) < tolerance) break;
    g = gradient(theta, data, l2, keep);
  }
  return theta;
}

export function factorOrThrow(h: Float64Array, size: number): Cholesky {
  const factor = cholesky(h, size);
  if (!factor)
    throw new ProverError(ProverErrorCode.InvalidAttribution, "head Hessian is not positive definite");
  return factor;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  return m;
}
