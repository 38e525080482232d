/**
 * Failures of the explorer's read API. Each has a stable code and an HTTP status; replies
 * carry `{ error: { code, message } }` and never the upstream's internals (URLs with keys,
 * stack traces).
 */
import { CodedError } from "../../protocol/errors.ts";
export const ExplorerErrorCode = {
  /** A query the schemas refused (bad batch number, malformed hash...). */
  InvalidQuery: "INVALID_QUERY",
  /** The sequencer or L1 has no such batch, transaction, account or registry entry. */
  NotFound: "NOT_FOUND",
  /** The sequencer's JSON-RPC did not answer or answered with an error. */
  SequencerUnavailable: "SEQUENCER_UNAVAILABLE",
  /** The L1 node did not answer, or the address holds no Rollup contract. */
  L1Unavailable: "L1_UNAVAILABLE",
  Internal: "INTERNAL",
} as const;

export type ExplorerErrorCode = (typeof ExplorerErrorCode)[keyof typeof ExplorerErrorCode];

const HTTP_STATUS: Record<ExplorerErrorCode, number> = {
  INVALID_QUERY: 400,
  NOT_FOUND: 404,
  SEQUENCER_UNAVAILABLE: 502,
  L1_UNAVAILABLE: 502,
  INTERNAL: 500,
};

export class ExplorerError extends CodedError<ExplorerErrorCode> {
  override readonly name = "ExplorerError";
  constructor(code: ExplorerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }

  get statusCode(): number {
    return HTTP_STATUS[this.code];
  }
}

export const notFound = (what: string): ExplorerError =>
  new ExplorerError(ExplorerErrorCode.NotFound, `${what} not found`);

/** The reply body of every failed request. */
export const errorReplySchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" } },
    },
  },
} as const;
