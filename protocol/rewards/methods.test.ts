import { describe, expect, it } from "vitest";
import { GENESIS_GOVERNANCE } from "../genesis.ts";
import { ATTRIBUTION_METHODS, attributionMethodName } from "./methods.ts";

describe("attribution method ids", () => {
  it("name 1 + the index in the table, genesis KNN-Shapley, and nothing outside it", () => {
    expect(ATTRIBUTION_METHODS.map((_, i) => attributionMethodName(i + 1))).toEqual([...ATTRIBUTION_METHODS]);
    expect(attributionMethodName(GENESIS_GOVERNANCE.attributionMethod)).toBe("knnShapley");
    for (const id of [0, ATTRIBUTION_METHODS.length + 1, 1.5, -1])
      expect(attributionMethodName(id)).toBeUndefined();
  });
});
