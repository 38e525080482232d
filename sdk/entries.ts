import type { Settlement } from "../protocol/rewards/settlement.ts";
import type { SettlementInfo } from "./wire.ts";

/** A reward settlement entry as ol_getBatch serves it, back in the protocol's shape. */
export function settlementOf(e: SettlementInfo): Settlement {
  const { epoch, model, inferences, proverAccount, treasuryAccount } = e;
  return {
    epoch,
    model,
    inferences,
    scores: e.scores.map((row) => row.map(BigInt)),
    proverAccount,
    treasuryAccount,
  };
}
