/** The Proof of Attribution engine's public surface (spec: docs/attribution.md). */
export { attribute, DEFAULT_PARAMS, METHODS, type MethodParams } from "./engine.ts";
export { checkpointCommitment, featureCommitment } from "./commitment.ts";
export { modelContext, type ModelContext } from "./context.ts";
export {
  fieldToSigned,
  MAX_MAGNITUDE,
  quantize,
  SCORE_BITS,
  scoreBytes,
  signedToField,
  VECTOR_BITS,
} from "./fixed-point.ts";
export { payableScores } from "./settlement-scores.ts";
export { duplicateMask, rowHash } from "./row-hash.ts";
export { contributionFactors, testFactors } from "./tracin.ts";
export type { AttributionResult, ContributionScore, Inference, MethodName, TrainingRows } from "./types.ts";
