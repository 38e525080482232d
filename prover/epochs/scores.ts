import { attribute, DEFAULT_PARAMS } from "../attribution/engine.ts";
import { payableScores } from "../attribution/settlement-scores.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { MethodName } from "../attribution/types.ts";
import type { AttributableModel } from "./attributor.ts";

/**
 * The payable scores a settlement carries for one inference of `model` (docs/protocol.md
 * §11.2), one per training contribution in registration order. The method's parameters are
 * the spec's (DEFAULT_PARAMS, docs/attribution.md §3), never a node's own: the attributor and
 * `openledger prover replay` both call this, so an honest settlement replays bit for bit.
 */
export function inferenceScores(method: MethodName, model: AttributableModel, x: Float64Array): bigint[] {
  if (method === "spanMatch") {
    // Text models, their outputs and their contributions' token streams are not read from the
    // store yet; spanAttribution (prover/attribution/spans/) is what will value them.
    throw new ProverError(
      ProverErrorCode.CannotAttribute,
      "epochs valued by spanMatch are not attributed yet",
    );
  }
  return payableScores(attribute(method, model.bytes, model.rows, { x }, DEFAULT_PARAMS), model.training);
}
