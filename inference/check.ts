import type { Field } from "../protocol/field.ts";
import { featureCommitment } from "../prover/attribution/commitment.ts";
import { buildContext, type ModelContext } from "../prover/attribution/context.ts";
import { classCount, forward, inputDim, type Mlp } from "../prover/models/mlp.ts";

/**
 * The pure model-side parts of serving and verifying an inference (docs/inference.md):
 * the feature commitment, and the rule a re-run checks a returned output by.
 */

/**
 * The attribution context of a model alone. featureCommitment reads only the model (head
 * parameters and reference forward pass), never training rows: the rows a context carries
 * serve the valuation methods and their caches, so none are needed here.
 */
export function servingContext(mlp: Mlp): ModelContext {
  const rows = {
    dim: inputDim(mlp),
    classes: classCount(mlp),
    x: new Float64Array(0),
    y: new Int32Array(0),
    contribution: new Uint32Array(0),
    contributions: [],
  };
  return buildContext(mlp, rows);
}

/** featureCommitment (docs/attribution.md §6) of an input, at the reference pass's label. */
export function inputCommitment(ctx: ModelContext, x: Float64Array): Field {
  return featureCommitment(ctx, { x });
}

/**
 * Largest difference allowed between a returned probability and the float64 reference
 * forward pass: onnxruntime's float32 kernels agree with it to about 1e-5 (test
 * prover/models/onnx.test.ts); ten times that leaves room for other machines' kernels.
 */
export const OUTPUT_TOLERANCE = 1e-4;

export interface OutputCheck {
  readonly ok: boolean;
  readonly maxDiff: number;
  readonly label: number;
  readonly referenceLabel: number;
  readonly reference: Float64Array;
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k]! > v[best]!) best = k;
  return best;
}

/**
 * The rule an output is checked by: every probability within OUTPUT_TOLERANCE of the
 * reference pass on the same input, and the same answer (argmax), except that in a near tie
 * (the reference's runner-up within the tolerance of its best) either class is accepted.
 */
export function checkOutput(mlp: Mlp, x: Float64Array, probs: ArrayLike<number>): OutputCheck {
  const reference = forward(mlp, x, 1).probs;
  const label = argmax(probs);
  const referenceLabel = argmax(reference);
  let maxDiff = probs.length === reference.length ? 0 : Number.POSITIVE_INFINITY;
  for (let k = 0; k < Math.min(probs.length, reference.length); k++) {
    maxDiff = Math.max(maxDiff, Math.abs(probs[k]! - reference[k]!));
  }
  const sameAnswer =
    label === referenceLabel || reference[referenceLabel]! - reference[label]! <= OUTPUT_TOLERANCE;
  return { ok: maxDiff <= OUTPUT_TOLERANCE && sameAnswer, maxDiff, label, referenceLabel, reference };
}
