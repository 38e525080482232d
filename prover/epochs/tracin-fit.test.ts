import { describe, expect, it } from "vitest";
import { modelContext } from "../attribution/context.ts";
import { irisFixture } from "../attribution/test-fixtures.ts";
import { contributionFactors } from "../attribution/tracin.ts";
import { planEpoch } from "./plan.ts";
import { isTracinShape, tracinMisfit } from "./tracin-fit.ts";

const { model, rows } = irisFixture();
const training = rows.contributions.map(Number);
const attributable = { bytes: model.bytes, rows, training };
const factors = contributionFactors(modelContext(model.bytes, rows));
const widest = Math.max(...factors.map((f) => f.length));
const widestId = training[factors.findIndex((f) => f.length === widest)];
// iris 4-16-8-3: 3 classes, an 8-wide embedding plus the bias factor.
const FITS = { inferences: 2, contributions: 5, rows: widest, classes: 3, width: 9 };

describe("tracinMisfit", () => {
  it("accepts a model whose every contribution fits a lane of the circuit's widths", () => {
    expect(tracinMisfit(attributable, FITS)).toBeUndefined();
  });

  it("names the contribution with more distinct rows than a lane", () => {
    expect(tracinMisfit(attributable, { ...FITS, rows: widest - 1 })).toBe(
      `contribution ${widestId} has ${widest} distinct rows; a reward circuit lane holds ${widest - 1}`,
    );
  });

  it("refuses factors of other widths than the circuit's", () => {
    expect(tracinMisfit(attributable, { ...FITS, classes: 2 })).toMatch(
      /3 \+ 9 wide; the reward circuit's 2 \+ 9/,
    );
    expect(tracinMisfit(attributable, { ...FITS, width: 5 })).toMatch(
      /3 \+ 9 wide; the reward circuit's 3 \+ 5/,
    );
  });

  it("tells a tracin shape from a plain one", () => {
    expect(isTracinShape(FITS)).toBe(true);
    expect(isTracinShape({ inferences: 2, contributions: 5 })).toBe(false);
  });

  it("a misfit model's records are skipped by the plan with its reason, its fees left in escrow", () => {
    const reason = tracinMisfit(attributable, { ...FITS, rows: 1 })!;
    const plan = planEpoch(
      0,
      3,
      [
        { id: 1, model: 1, payment: 5n },
        { id: 2, model: 2, payment: 5n },
      ],
      new Map([
        [1, 5],
        [2, 5],
      ]),
      FITS,
      new Map([[1, reason]]),
    );
    expect(plan.jobs).toEqual([{ epoch: 0, model: 2, inferences: [2] }]);
    expect(plan.skipped).toEqual([{ model: 1, reason }]);
  });
});
