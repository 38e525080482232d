import { describe, expect, it } from "vitest";
import { assigned, checkAssignment } from "./assignment.ts";

describe("batch assignment between prover nodes", () => {
  it("splits batches into disjoint sets, one per node, covering every batch", () => {
    const nodes = [0, 1, 2].map((index) => ({ index, of: 3, takeoverSeconds: 600 }));
    for (let batch = 1n; batch <= 30n; batch++) {
      const owners = nodes.filter((a) => assigned(a, batch, 1000n, 1000n));
      expect(owners.map((a) => a.index)).toEqual([Number(batch % 3n)]);
    }
  });

  it("opens a batch to every node once it has waited the takeover delay", () => {
    const a = { index: 0, of: 2, takeoverSeconds: 600 };
    expect(assigned(a, 1n, 1000n, 1599n)).toBe(false);
    expect(assigned(a, 1n, 1000n, 1600n)).toBe(true);
  });

  it("refuses an index outside 0..of-1", () => {
    expect(() => checkAssignment({ index: 2, of: 2, takeoverSeconds: 0 })).toThrow(RangeError);
    expect(() => checkAssignment({ index: 0, of: 0, takeoverSeconds: 0 })).toThrow(RangeError);
    expect(checkAssignment({ index: 1, of: 2, takeoverSeconds: 0 }).index).toBe(1);
  });
});
