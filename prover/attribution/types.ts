import type { MethodName } from "../../protocol/rewards/methods.ts";

/**
 * Training rows as the attribution engine sees them: features, labels and the contribution
 * that registered each row. Row order is registration order, so "earlier" is well defined
 * for duplicate detection.
 */
export interface TrainingRows {
  readonly dim: number;
  readonly classes: number;
  /** n x dim, row-major. */
  readonly x: Float64Array;
  readonly y: Int32Array;
  /** For each row, the index into `contributions` of the contribution that registered it. */
  readonly contribution: Uint32Array;
  /** Contribution ids (field elements) in registration order. */
  readonly contributions: readonly bigint[];
}

/** One inference: the raw input vector, and the label whose loss is attributed. */
export interface Inference {
  readonly x: Float64Array;
  /** Defaults to the model's own prediction, which is what a paid inference returns. */
  readonly label?: number;
}

/** Per-row and per-contribution scores of one method for one inference, in fixed point. */
export interface AttributionResult {
  readonly method: MethodName;
  /** Signed per-row scores (fixed point, see fixed-point.ts); duplicates are 0. */
  readonly rows: BigInt64Array;
  readonly contributions: readonly ContributionScore[];
}

export interface ContributionScore {
  readonly id: bigint;
  /** Sum of the positive row scores: what the reward split uses. */
  readonly payable: bigint;
  /** Sum of the negative row scores (<= 0): reported for reputation, never paid. */
  readonly negative: bigint;
  /** Rows of this contribution that repeat an earlier row and so earn nothing. */
  readonly duplicates: number;
}

export type { MethodName };
