import { describe, expect, it } from "vitest";
import { rejectionCode } from "../../protocol/testing.ts";
import { buildRewardCircuit } from "./reward-circuit.ts";

describe("buildRewardCircuit", () => {
  it("refuses a circuit that is not a RewardSettlement before building anything", async () => {
    expect(await rejectionCode(buildRewardCircuit("batch_8x2_2tx_1reg", 3))).toBe("WRONG_CIRCUIT");
    expect(await rejectionCode(buildRewardCircuit("no_such_circuit", 3))).toBe("UNKNOWN_CIRCUIT");
  });
});
