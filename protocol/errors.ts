/**
 * Every failure the protocol can report, with a stable code. The state transition, the
 * JSON-RPC layer, the SDK and the CLI all speak these codes, so a rejected transaction says
 * the same thing everywhere. Components keep their own codes beside their code (the circuit
 * build's in circuits/tools/errors.ts, the prover node's and the attribution engine's in
 * prover/), as subclasses of `CodedError`.
 *
 * The rule for throwing: anything a user, a peer, an input file or the chain can cause throws
 * a `CodedError` whose message says what was wrong; a plain `Error` is thrown only for a
 * broken invariant of the code itself (a programming error), which no input can provoke.
 */
export const ErrorCode = {
  // Encoding and input validation.
  InvalidField: "INVALID_FIELD",
  InvalidEncoding: "INVALID_ENCODING",
  InvalidKey: "INVALID_KEY",
  // Signatures and replay protection.
  InvalidSignature: "INVALID_SIGNATURE",
  WrongChain: "WRONG_CHAIN",
  BadNonce: "BAD_NONCE",
  // State.
  UnknownAccount: "UNKNOWN_ACCOUNT",
  InsufficientBalance: "INSUFFICIENT_BALANCE",
  InsufficientStake: "INSUFFICIENT_STAKE",
  UnknownContribution: "UNKNOWN_CONTRIBUTION",
  UnknownModel: "UNKNOWN_MODEL",
  UnknownDatanet: "UNKNOWN_DATANET",
  /** A license id not in the table (protocol/licenses.ts), or one the Datanet's policy does not admit. */
  LicenseNotAllowed: "LICENSE_NOT_ALLOWED",
  /** A model whose use (fee, fine-tune) a training contribution's license forbids (section 7.2). */
  LicenseForbids: "LICENSE_FORBIDS",
  /** A contribution a model names that is pending or rejected (section 7.2). */
  ContributionNotAccepted: "CONTRIBUTION_NOT_ACCEPTED",
  /** A curate by an account that is not a curator of the contribution's Datanet. */
  NotCurator: "NOT_CURATOR",
  /** A curate of a contribution that is not pending. */
  NotPending: "NOT_PENDING",
  /** A contribution whose contentRoot a live (not rejected) contribution already registered. */
  DuplicateContent: "DUPLICATE_CONTENT",
  FeeTooLow: "FEE_TOO_LOW",
  /** An inference record a reward settlement cannot take (docs/protocol.md §11.1). */
  InferenceNotSettleable: "INFERENCE_NOT_SETTLEABLE",
  /** A settlement of an epoch whose last entry is not sealed yet (docs/protocol.md §11.1). */
  EpochNotClosed: "EPOCH_NOT_CLOSED",
  /** A settlement whose prover account's L1 address is not a bonded prover on L1. */
  NotBondedProver: "NOT_BONDED_PROVER",
  TreeFull: "TREE_FULL",
  InvalidProof: "INVALID_PROOF",
  NotFinal: "NOT_FINAL",
  // Transactions and the sequencer (state transition, mempool, storage).
  InvalidTransaction: "INVALID_TRANSACTION",
  QueueOrder: "QUEUE_ORDER",
  MempoolFull: "MEMPOOL_FULL",
  ReplacementUnderpriced: "REPLACEMENT_UNDERPRICED",
  StateCorrupt: "STATE_CORRUPT",
  /** Batch data or a training list that no archive serves (docs/protocol.md §8.4). */
  DataUnavailable: "DATA_UNAVAILABLE",
  /** A layout without room for this transaction type (0 withdrawal entries or registry slots). */
  UnsupportedByLayout: "UNSUPPORTED_BY_LAYOUT",
  // Text.
  /** A span whose tokens the contribution and the output do not share, or a piece the span circuit refuses (docs/protocol.md §12.4). */
  InvalidSpan: "INVALID_SPAN",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A failure with a stable code and a message that says what was wrong. */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class OpenLedgerError extends CodedError<ErrorCode> {
  override readonly name = "OpenLedgerError";
}

/** Throws an OpenLedgerError with `code` unless `condition` holds. */
export function ensure(condition: unknown, code: ErrorCode, message: string): asserts condition {
  if (!condition) throw new OpenLedgerError(code, message);
}
