import { describe, expect, it } from "vitest";
import { createRng } from "../datasets/random.ts";
import { knnInput, knnShapley } from "./knn-shapley.ts";
import { type IncrementalUtility, knnIncrementalUtility, tmcShapley } from "./tmc-shapley.ts";

const rng = createRng("tmc");
const n = 40;
const input = knnInput(
  4,
  Float64Array.from({ length: n * 4 }, () => rng.next()),
  Int32Array.from({ length: n }, () => rng.int(3)),
);
const t = Float64Array.of(0.5, 0.5, 0.5, 0.5);

describe("truncated Monte Carlo Shapley", () => {
  it("converges to the exact KNN-Shapley values", () => {
    const exact = knnShapley(input, t, 1, 3);
    const mc = tmcShapley(n, knnIncrementalUtility(input, t, 1, 3), {
      permutations: 4000,
      seed: "s",
      tolerance: -1,
    });
    for (let i = 0; i < n; i++) expect(Math.abs(mc[i]! - exact[i]!)).toBeLessThan(0.03);
    expect(mc.reduce((a, b) => a + b, 0)).toBeCloseTo(
      exact.reduce((a, b) => a + b, 0),
      9,
    );
  });

  it("loses nothing by exact truncation: same values as running every permutation to the end", () => {
    const settling = knnIncrementalUtility(input, t, 2, 3);
    const neverSettling: IncrementalUtility = { ...settling, settled: () => false };
    const options = { permutations: 50, seed: "s", tolerance: -1 };
    expect(tmcShapley(n, settling, options)).toEqual(tmcShapley(n, neverSettling, options));
  });
});
