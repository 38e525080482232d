/**
 * Every failure the protocol can report, with a stable code. The state transition, the
 * JSON-RPC layer, the SDK and the CLI all speak these codes, so a rejected transaction says
 * the same thing everywhere.
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
  FeeTooLow: "FEE_TOO_LOW",
  TreeFull: "TREE_FULL",
  InvalidProof: "INVALID_PROOF",
  NotFinal: "NOT_FINAL",
  // Transactions and the sequencer (state transition, mempool, storage).
  InvalidTransaction: "INVALID_TRANSACTION",
  QueueOrder: "QUEUE_ORDER",
  MempoolFull: "MEMPOOL_FULL",
  ReplacementUnderpriced: "REPLACEMENT_UNDERPRICED",
  StateCorrupt: "STATE_CORRUPT",
  /** A layout without room for this transaction type (0 withdrawal entries or registry slots). */
  UnsupportedByLayout: "UNSUPPORTED_BY_LAYOUT",
  // Prover node.
  RootMismatch: "ROOT_MISMATCH",
  // Attribution engine.
  InvalidAttribution: "INVALID_ATTRIBUTION",
  // Circuit build pipeline (circuits/tools).
  UnknownCircuit: "UNKNOWN_CIRCUIT",
  CircuitBuildFailed: "CIRCUIT_BUILD_FAILED",
  /** A witness that does not fit a circuit's constraint system (circuits/tools). */
  InvalidWitness: "INVALID_WITNESS",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class OpenLedgerError extends Error {
  override readonly name = "OpenLedgerError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Throws an OpenLedgerError with `code` unless `condition` holds. */
export function ensure(condition: unknown, code: ErrorCode, message: string): asserts condition {
  if (!condition) throw new OpenLedgerError(code, message);
}
