import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";

/**
 * JSON-RPC 2.0 error codes. The standard ones for protocol-level failures; for a refused
 * transaction or query, one code per protocol ErrorCode in the server range, with the
 * protocol code itself in `error.data.code`, so clients can match on either.
 */
export const RpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  ServerError: -32000,
  RateLimited: -32029,
} as const;

/** The one place protocol codes map to JSON-RPC codes. */
const BY_PROTOCOL_CODE: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.InvalidField]: RpcCode.InvalidParams,
  [ErrorCode.InvalidEncoding]: RpcCode.InvalidParams,
  [ErrorCode.InvalidKey]: RpcCode.InvalidParams,
  [ErrorCode.InvalidSignature]: -32010,
  [ErrorCode.WrongChain]: -32011,
  [ErrorCode.BadNonce]: -32012,
  [ErrorCode.UnknownAccount]: -32013,
  [ErrorCode.InsufficientBalance]: -32014,
  [ErrorCode.InsufficientStake]: -32015,
  [ErrorCode.UnknownContribution]: -32016,
  [ErrorCode.UnknownModel]: -32017,
  [ErrorCode.FeeTooLow]: -32018,
  [ErrorCode.TreeFull]: -32019,
  [ErrorCode.InvalidTransaction]: -32021,
  [ErrorCode.QueueOrder]: -32022,
  [ErrorCode.MempoolFull]: -32023,
  [ErrorCode.ReplacementUnderpriced]: -32024,
  [ErrorCode.StateCorrupt]: -32025,
  [ErrorCode.UnsupportedByLayout]: -32026,
  [ErrorCode.InferenceNotSettleable]: -32027,
  [ErrorCode.EpochNotClosed]: -32028,
  [ErrorCode.NotBondedProver]: -32030,
  [ErrorCode.UnknownDatanet]: -32031,
  [ErrorCode.LicenseNotAllowed]: -32032,
  [ErrorCode.LicenseForbids]: -32033,
  [ErrorCode.ContributionNotAccepted]: -32034,
  [ErrorCode.NotCurator]: -32035,
  [ErrorCode.NotPending]: -32036,
  [ErrorCode.DuplicateContent]: -32037,
};

export function rpcCodeOf(code: ErrorCode): number {
  return BY_PROTOCOL_CODE[code] ?? RpcCode.ServerError;
}

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: Record<string, unknown>;
}

/** An error that is already a JSON-RPC error object (bad request shape, unknown method...). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The JSON-RPC error for anything a handler threw; internal details never reach the client. */
export function toRpcError(e: unknown): RpcErrorObject {
  if (e instanceof RpcError) return { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) };
  if (e instanceof OpenLedgerError) {
    return { code: rpcCodeOf(e.code), message: e.message, data: { code: e.code, ...(e.details ?? {}) } };
  }
  return { code: RpcCode.Internal, message: "internal error" };
}
