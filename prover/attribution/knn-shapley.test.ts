import { describe, expect, it } from "vitest";
import { createRng } from "../datasets/random.ts";
import { knnInput, knnShapley, knnUtility, orderByDistance, squaredDistances } from "./knn-shapley.ts";
import { exactShapley } from "./shapley-exact.ts";

function randomSet(seed: string, n: number, dim: number, classes: number, grid: number) {
  const rng = createRng(seed);
  // A coarse grid makes equal distances (ties) common, which the ordering must handle.
  const f = Float64Array.from({ length: n * dim }, () => rng.int(grid));
  const y = Int32Array.from({ length: n }, () => rng.int(classes));
  const t = Float64Array.from({ length: dim }, () => rng.int(grid));
  return { input: knnInput(dim, f, y), t, label: rng.int(classes) };
}

describe("exact KNN-Shapley", () => {
  it("equals brute-force Shapley of the KNN utility on small random sets (1e-9)", () => {
    for (let trial = 0; trial < 24; trial++) {
      const n = 6 + (trial % 6);
      const k = [1, 2, 3, 5][trial % 4]!;
      const { input, t, label } = randomSet(`knn/${trial}`, n, 3, 3, trial % 2 ? 3 : 100);
      const fast = knnShapley(input, t, label, k);
      const brute = exactShapley(n, (s) => knnUtility(input, t, label, k, s));
      for (let i = 0; i < n; i++) expect(Math.abs(fast[i]! - brute[i]!)).toBeLessThan(1e-9);
    }
  });

  it("is efficient: the values sum to the utility of the full set", () => {
    for (let trial = 0; trial < 10; trial++) {
      const n = 200 + trial * 37;
      const { input, t, label } = randomSet(`eff/${trial}`, n, 8, 4, 10);
      const all = Array.from({ length: n }, (_, i) => i);
      const values = knnShapley(input, t, label, 5);
      expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(knnUtility(input, t, label, 5, all), 9);
    }
  });

  it("orders by distance then index, like a comparison sort", () => {
    const rng = createRng("order");
    const dist = Float64Array.from({ length: 5000 }, () =>
      rng.int(4) === 0 ? rng.int(50) : rng.next() * 1e6,
    );
    const expected = Array.from({ length: dist.length }, (_, i) => i).sort(
      (a, b) => dist[a]! - dist[b]! || a - b,
    );
    expect(Array.from(orderByDistance(dist))).toEqual(expected);
  });

  it("computes distances in WebAssembly SIMD bit-identically to the JavaScript loop", () => {
    const rng = createRng("simd");
    const n = 3000;
    for (const dim of [4, 64, 12]) {
      // Values on the 2^-16 grid below 256: exact in float32, so the SIMD path is taken.
      const f = Float64Array.from({ length: n * dim }, () => Math.round(rng.next() * 40 * 65536) / 65536);
      const input = knnInput(dim, f, new Int32Array(n));
      expect(input.simd).not.toBeNull();
      const t = Float64Array.from({ length: dim }, () => rng.next() * 40);
      expect(squaredDistances(input, t)).toEqual(squaredDistances({ ...input, simd: null }, t));
    }
    const offGrid = knnInput(4, Float64Array.of(0.1, 0.2, 0.3, 0.4), new Int32Array(1));
    expect(offGrid.simd).toBeNull();
  });
});
