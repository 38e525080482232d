import { CodedError, ErrorCode } from "../protocol/errors.ts";

/**
 * The inference node's failures (docs/inference.md, "Errors"), each with the HTTP status it
 * is answered with as `{ code, message }`. A refusal of the sequencer keeps the protocol's
 * code (FEE_TOO_LOW, BAD_NONCE, INSUFFICIENT_BALANCE, ...): the user reads the same code the
 * state transition gave. The SDK client rethrows every code as an InferenceError.
 */
export const InferenceErrorCode = {
  /** Malformed request: schema refusal, bad hex, a transaction that does not decode. */
  InvalidRequest: "INVALID_REQUEST",
  /** An input whose length is not the model's input width. */
  BadShape: "BAD_SHAPE",
  /** NaN or ±Infinity in the input (JSON carries them as null, or as 1e999 for Infinity). */
  NonFiniteInput: "NON_FINITE_INPUT",
  /** A prompt that is empty or longer than MAX_PROMPT_TOKENS tokens. */
  BadPrompt: "BAD_PROMPT",
  /** max_tokens outside [1, MAX_GENERATED_TOKENS]. */
  BadMaxTokens: "BAD_MAX_TOKENS",
  /** A temperature above 0: only greedy generation, which a replay reproduces, is served. */
  TemperatureUnsupported: "TEMPERATURE_UNSUPPORTED",
  /** Numbers sent to a text model, or a prompt to a classifier. */
  WrongModelKind: "WRONG_MODEL_KIND",
  /** A text model whose training config names another tokenizer than the node's. */
  WrongTokenizer: "WRONG_TOKENIZER",
  /** No model registered under this id on L2. */
  UnknownModel: "UNKNOWN_MODEL",
  /** The model's bytes are not in the store for this node, or do not hash to its modelHash. */
  ModelUnavailable: "MODEL_UNAVAILABLE",
  /** The transaction pays less than the model's inference fee. */
  Underpaid: "UNDERPAID",
  /** The transaction's signature is not its sender's. */
  BadSignature: "BAD_SIGNATURE",
  /** The transaction's nonce is not the sender's next one. */
  BadNonce: "BAD_NONCE",
  UnknownQuote: "UNKNOWN_QUOTE",
  /** (serve) The operator's L1 address is not a listed, bonded compute operator. */
  NotOperator: "NOT_OPERATOR",
  /** (verify) No inference record under this id on L2. */
  UnknownInference: "UNKNOWN_INFERENCE",
  QuoteExpired: "QUOTE_EXPIRED",
  /** The quote is being paid by another request. */
  QuoteBusy: "QUOTE_BUSY",
  /** The transaction is not an inference carrying the quote's model and hashes. */
  TxMismatch: "TX_MISMATCH",
  /** Too many open quotes: try again shortly. */
  Overloaded: "OVERLOADED",
  /** The store refused or could not take the input record: nothing was submitted. */
  StoreFailed: "STORE_FAILED",
  /** (client) The output handed back does not hash to the paid outputHash, or the attestation is not the operator's. */
  OutputMismatch: "OUTPUT_MISMATCH",
  Unavailable: "INFERENCE_UNAVAILABLE",
  Internal: "INTERNAL",
} as const;

export type InferenceErrorCode = (typeof InferenceErrorCode)[keyof typeof InferenceErrorCode];

const STATUS: Record<string, number> = {
  INVALID_REQUEST: 400,
  BAD_SHAPE: 400,
  NON_FINITE_INPUT: 400,
  BAD_PROMPT: 400,
  BAD_MAX_TOKENS: 400,
  TEMPERATURE_UNSUPPORTED: 400,
  WRONG_MODEL_KIND: 400,
  WRONG_TOKENIZER: 503,
  UNKNOWN_MODEL: 404,
  MODEL_UNAVAILABLE: 503,
  UNDERPAID: 402,
  BAD_SIGNATURE: 401,
  BAD_NONCE: 409,
  UNKNOWN_QUOTE: 404,
  UNKNOWN_INFERENCE: 404,
  NOT_OPERATOR: 403,
  QUOTE_EXPIRED: 410,
  QUOTE_BUSY: 409,
  TX_MISMATCH: 400,
  OVERLOADED: 503,
  STORE_FAILED: 502,
  INFERENCE_UNAVAILABLE: 503,
  INTERNAL: 500,
  // Refusals of the sequencer, passed through with their protocol code.
  [ErrorCode.InsufficientBalance]: 402,
  [ErrorCode.UnknownAccount]: 404,
  [ErrorCode.MempoolFull]: 503,
};

/** A failure of the inference node or its client; `code` may be a protocol code passed through. */
export class InferenceError extends CodedError<string> {
  override readonly name = "InferenceError";
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }

  get status(): number {
    return STATUS[this.code] ?? 400;
  }
}
