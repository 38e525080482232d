import { CodedError } from "../protocol/errors.ts";

/** Why the escape-hatch tooling refused to send anything; each message says what to do instead. */
export const BridgeErrorCode = {
  /** Freeze, exit or refund while the rollup is live. */
  NotFrozen: "NOT_FROZEN",
  /** A live-only action (forced withdrawal, freeze) on a frozen rollup. */
  Frozen: "FROZEN",
  /** Freeze with no queue operation past its deadline. */
  NothingExpired: "NOTHING_EXPIRED",
  /** The account already exited, or nothing of the address is left to refund. */
  NothingToPay: "NOTHING_TO_PAY",
  /** A state source that does not reproduce the roots L1 committed. */
  RootMismatch: "ROOT_MISMATCH",
  /**
   * L1 replaced a queue operation L2 already executed (a reorg deeper than the relay's
   * confirmations): L2's state holds an operation L1 does not, which an operator must resolve.
   */
  QueueReorged: "QUEUE_REORGED",
  /** The L1 node does not answer. */
  L1Unreachable: "L1_UNREACHABLE",
  /** Following a withdrawal took longer than allowed. */
  Timeout: "TIMEOUT",
} as const;

export type BridgeErrorCode = (typeof BridgeErrorCode)[keyof typeof BridgeErrorCode];

export class BridgeError extends CodedError<BridgeErrorCode> {
  override readonly name = "BridgeError";
}
