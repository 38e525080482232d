/**
 * The constraint budget of issue 5: a transaction's account slot at production size (2^24
 * accounts) within 20,000 constraints, the sha256 share of its batch data counted apart
 * (docs/circuits.md, "Constraints at production size"). Compile only.
 */
import { describe, expect, it } from "vitest";
import { PRODUCTION_PARAMS } from "../../../protocol/params.ts";
import { compileCircuit } from "../../tools/artifacts.ts";

const BUDGET = 20_000;

describe("constraint budget", () => {
  it(`an account slot at production size stays within ${BUDGET.toLocaleString("en-US")} constraints`, async () => {
    const { arity, depth } = PRODUCTION_PARAMS.accounts;
    expect(arity ** depth).toBeGreaterThanOrEqual(2 ** 24);
    const slot = await compileCircuit(`account_slot_${arity}x${depth}`, { log: () => {} });
    expect(slot.constraints).toBeLessThanOrEqual(BUDGET);
  });
});
