import { describe, expect, it } from "vitest";
import { rejectionCode } from "../../protocol/testing.ts";
import { buildRewardCircuit, rewardLanes } from "./reward-circuit.ts";

describe("buildRewardCircuit", () => {
  it("refuses a circuit that is not a RewardSettlement before building anything", async () => {
    expect(await rejectionCode(buildRewardCircuit("batch_8x2_2tx_1reg", 3))).toBe("WRONG_CIRCUIT");
    expect(await rejectionCode(buildRewardCircuit("no_such_circuit", 3))).toBe("UNKNOWN_CIRCUIT");
  });
});

describe("rewardLanes", () => {
  it("tells the plain circuit from the gradient method's by the registry's template, with its lanes", async () => {
    expect(await rewardLanes("reward_2x4")).toEqual({
      template: "RewardSettlement",
      shape: { inferences: 2, contributions: 4 },
    });
    expect(await rewardLanes("reward_tracin_2x4x4_3x5")).toEqual({
      template: "RewardSettlementTracin",
      shape: { inferences: 2, contributions: 4, rows: 4, classes: 3, width: 5 },
    });
  });
});
