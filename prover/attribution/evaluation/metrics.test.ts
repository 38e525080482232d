import { describe, expect, it } from "vitest";
import { noisyAuc, twoMeansF1 } from "./metrics.ts";

describe("noisy-label detection metrics", () => {
  const values = Float64Array.of(-3, -2.5, 0.9, 1, 1.1, 1.2, -2.8, 0.95);
  const noisy = Uint8Array.of(1, 1, 0, 0, 0, 0, 1, 0);

  it("AUC is 1 when every noisy row is valued lowest, 0.5 for constant values", () => {
    expect(noisyAuc(values, noisy)).toBe(1);
    expect(
      noisyAuc(
        values.map((v) => -v),
        noisy,
      ),
    ).toBe(0);
    expect(noisyAuc(new Float64Array(8), noisy)).toBe(0.5);
    expect(noisyAuc(Float64Array.of(0, 1, 2, 3), Uint8Array.of(0, 1, 0, 1))).toBe(0.25);
  });

  it("2-means F1 finds the low cluster", () => {
    expect(twoMeansF1(values, noisy)).toBe(1);
    // One clean row in the low cluster: precision 3/4, recall 1.
    const mixed = Float64Array.of(-3, -2.5, 0.9, -2.9, 1.1, 1.2, -2.8, 0.95);
    expect(twoMeansF1(mixed, noisy)).toBeCloseTo(6 / 7, 12);
  });
});
