import { describe, expect, it } from "vitest";
import { planEpoch } from "./plan.ts";

const SHAPE = { inferences: 2, contributions: 4 };

describe("planEpoch", () => {
  it("takes every unsettled record up to the epoch's last inference, by model, in runs of N", () => {
    const records = [
      { id: 1, model: 2, payment: 5n },
      { id: 2, model: 1, payment: 5n },
      { id: 3, model: 2, payment: 0n }, // settled already
      { id: 4, model: 2, payment: 7n },
      { id: 5, model: 2, payment: 7n },
      { id: 6, model: 1, payment: 9n }, // after the epoch's end
    ];
    const sizes = new Map([
      [1, 3],
      [2, 4],
    ]);
    expect(planEpoch(3, 5, records, sizes, SHAPE)).toEqual({
      jobs: [
        { epoch: 3, model: 1, inferences: [2] },
        { epoch: 3, model: 2, inferences: [1, 4] },
        { epoch: 3, model: 2, inferences: [5] },
      ],
      skipped: [],
    });
  });

  it("skips, with its reason, a model trained on more contributions than the circuit's lanes", () => {
    const plan = planEpoch(0, 9, [{ id: 1, model: 1, payment: 1n }], new Map([[1, 5]]), SHAPE);
    expect(plan.jobs).toEqual([]);
    expect(plan.skipped).toEqual([
      { model: 1, reason: "trained on 5 contributions; the reward circuit has 4 lanes" },
    ]);
  });
});
