import { createRng, permutation } from "../datasets/random.ts";
import { type KnnInput, orderByDistance, squaredDistances } from "./knn-shapley.ts";

/** A utility evaluated on a growing prefix of a permutation. */
export interface IncrementalUtility {
  /** U(all rows). */
  readonly full: number;
  /** Starts again from the empty set; returns U(empty). */
  reset(): number;
  /** Adds row i; returns U of the set so far. */
  add(i: number): number;
  /** True when no later addition can change U (exact truncation). */
  settled(): boolean;
}

export interface TmcOptions {
  readonly permutations: number;
  readonly seed: string;
  /** Stop a permutation once |U(prefix) - U(all)| <= tolerance (Ghorbani & Zou); < 0 disables. */
  readonly tolerance: number;
}

/**
 * Truncated Monte Carlo Shapley (Ghorbani & Zou, 2019): the mean marginal contribution of
 * each row over seeded random permutations, cutting a permutation short once the prefix
 * has settled (or is within `tolerance` of the full utility); later rows then add 0.
 */
export function tmcShapley(n: number, utility: IncrementalUtility, options: TmcOptions): Float64Array {
  const rng = createRng(`${options.seed}/tmc`);
  const sum = new Float64Array(n);
  for (let p = 0; p < options.permutations; p++) {
    const order = permutation(n, rng);
    let prev = utility.reset();
    for (const i of order) {
      if (utility.settled() || (options.tolerance >= 0 && Math.abs(prev - utility.full) <= options.tolerance))
        break;
      const next = utility.add(i);
      sum[i]! += next - prev;
      prev = next;
    }
  }
  return sum.map((s) => s / options.permutations);
}

/**
 * The KNN utility of knn-shapley.ts for one test point, updated in O(K) per added row:
 * it keeps the distance ranks of the K nearest rows added so far. It settles once those
 * are the K nearest of all rows.
 */
export function knnIncrementalUtility(
  input: KnnInput,
  t: Float64Array,
  label: number,
  k: number,
): IncrementalUtility {
  const n = input.y.length;
  const order = orderByDistance(squaredDistances(input, t));
  const rank = new Uint32Array(n);
  order.forEach((row, r) => {
    rank[row] = r;
  });
  const hit = (r: number) => (input.y[order[r]!] === label ? 1 : 0);
  let nearest: number[] = [];
  let full = 0;
  for (let r = 0; r < Math.min(k, n); r++) full += hit(r);
  const value = () => nearest.reduce((s, r) => s + hit(r), 0) / k;
  return {
    full: full / k,
    reset: () => {
      nearest = [];
      return 0;
    },
    add: (i) => {
      const r = rank[i]!;
      if (nearest.length < k || r < nearest[nearest.length - 1]!) {
        let pos = nearest.length;
        while (pos > 0 && nearest[pos - 1]! > r) pos--;
        nearest.splice(pos, 0, r);
        if (nearest.length > k) nearest.pop();
      }
      return value();
    },
    settled: () => nearest.length === Math.min(k, n) && nearest[nearest.length - 1] === nearest.length - 1,
  };
}
