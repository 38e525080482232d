import { describe, expect, it } from "vitest";
import { ProverErrorCode } from "../errors.ts";
import { payableScores } from "./settlement-scores.ts";
import type { AttributionResult } from "./types.ts";

const result = (scores: Array<[bigint, bigint]>): AttributionResult => ({
  method: "knnShapley",
  rows: new BigInt64Array(),
  contributions: scores.map(([id, payable]) => ({ id, payable, negative: -1n, duplicates: 0 })),
});

describe("payable scores for a settlement", () => {
  it("orders by the model's training contributions and saturates below 2^64", () => {
    const r = result([
      [3n, 7n],
      [1n, 1n << 70n],
      [2n, 0n],
    ]);
    expect(payableScores(r, [1, 2, 3])).toEqual([(1n << 64n) - 1n, 0n, 7n]);
  });

  it("refuses a training contribution the attribution did not value", () => {
    expect(() => payableScores(result([[1n, 5n]]), [1, 2])).toThrow(
      expect.objectContaining({ code: ProverErrorCode.InvalidAttribution }),
    );
  });
});
