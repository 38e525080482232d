import { CodedError } from "../protocol/errors.ts";

/** Failures of the prover: its node, its attribution engine and its trainer. */
export const ProverErrorCode = {
  /** Replaying a batch reached another root than the one L1 recorded for it. */
  RootMismatch: "ROOT_MISMATCH",
  /** Inputs an attribution method cannot value: a wrong width, an unknown label, NaN, a singular Hessian. */
  InvalidAttribution: "INVALID_ATTRIBUTION",
  /** A circuit named for a job it does not do (a batch circuit given as the reward circuit). */
  WrongCircuit: "WRONG_CIRCUIT",
  /**
   * A training run that cannot start: rows of different widths or with labels outside the
   * classes, no rows, a base model of another shape, a bad configuration.
   */
  InvalidTraining: "INVALID_TRAINING",
  /** A prover node set to attribute epochs without what that needs: an L2 account, a store that answers. */
  CannotAttribute: "CANNOT_ATTRIBUTE",
  /** A gradient-method reward circuit given to a prover node without the sources its witness reads. */
  MissingSources: "MISSING_SOURCES",
  /** A span index file (docs/attribution.md §11) that is truncated, altered or for another contentRoot. */
  SpanIndexCorrupt: "SPAN_INDEX_CORRUPT",
} as const;

export type ProverErrorCode = (typeof ProverErrorCode)[keyof typeof ProverErrorCode];

export class ProverError extends CodedError<ProverErrorCode> {
  override readonly name = "ProverError";
}
