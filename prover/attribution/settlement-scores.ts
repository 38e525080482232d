import { PAYABLE_SCORE_BITS } from "../../protocol/rewards/split.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { AttributionResult } from "./types.ts";

const MAX_PAYABLE = (1n << BigInt(PAYABLE_SCORE_BITS)) - 1n;

/**
 * The payable scores a reward settlement carries for one inference (docs/protocol.md §11.2):
 * one per training contribution of the model, in the order the model registered them, each
 * the engine's per-row clipped sum (docs/attribution.md §5) saturated at 2^64 − 1.
 */
export function payableScores(result: AttributionResult, training: readonly number[]): bigint[] {
  const byId = new Map(result.contributions.map((c) => [c.id, c.payable]));
  return training.map((id) => {
    const payable = byId.get(BigInt(id));
    if (payable === undefined) {
      throw new ProverError(
        ProverErrorCode.InvalidAttribution,
        `the attribution has no score for training contribution ${id}`,
      );
    }
    return payable > MAX_PAYABLE ? MAX_PAYABLE : payable;
  });
}
