import type { Field } from "../../protocol/field.ts";
import {
  checkpointLeaf,
  checkpointRoot,
  featureCommitment as factorsCommitment,
} from "../../protocol/rewards/row-scores.ts";
import type { TreeShape } from "../../protocol/smt.ts";
import type { ModelContext } from "./context.ts";
import { contributionFactors, inferenceFactors } from "./tracin.ts";
import type { Inference } from "./types.ts";

/**
 * Commitments the reward circuit opens (spec: docs/attribution.md §6), computed from a model
 * and its rows by the formulas of protocol/rewards/row-scores.ts.
 */

/**
 * The training checkpoint commitment: the training-set-shaped tree whose slot j holds
 * Poseidon(c_j, chain of the factors of contribution j's non-duplicate rows).
 */
export function checkpointCommitment(ctx: ModelContext, shape: TreeShape): { root: Field; leaves: Field[] } {
  const rows = contributionFactors(ctx);
  const leaves = ctx.rows.contributions.map((id, j) => checkpointLeaf(id, rows[j]!));
  return { root: checkpointRoot(leaves, shape), leaves };
}

/** The per-inference feature commitment: PoseidonList of the test point's factors (r_t ‖ x_t). */
export function featureCommitment(ctx: ModelContext, inference: Inference): Field {
  return factorsCommitment(inferenceFactors(ctx, inference));
}
