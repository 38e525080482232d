import { getAddress, type Log, type LogDescription } from "ethers";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import type { Field } from "../protocol/field.ts";
import { depositQueueHash } from "../protocol/state/apply.ts";
import { type Deposit, TxType } from "../protocol/tx/types.ts";

/**
 * Operations of the L1 priority queue as the Rollup's `OperationQueued` events carry them
 * (docs/protocol.md section 8). Only deposits are executed on L2 so far; the other kinds are
 * recognised so that the relay stops on them with a clear message instead of skipping them,
 * since the queue must be consumed in order.
 */
export const QueueKind = { Deposit: 1, ForcedWithdrawal: 2, SetParameter: 3, Slash: 4 } as const;

export interface QueuedOperation {
  readonly index: bigint;
  readonly kind: number;
  readonly account: number;
  readonly amount: bigint;
  readonly words: readonly [Field, Field, Field];
  /** H_{index+1} as the contract computed it. */
  readonly rollingHash: Field;
  readonly deadline: bigint;
  readonly blockNumber: number;
}

export function parseOperationQueued(parsed: LogDescription, log: Log): QueuedOperation {
  const a = parsed.args;
  return {
    index: BigInt(a.index),
    kind: Number(a.kind),
    account: Number(a.account),
    amount: BigInt(a.amount),
    words: [BigInt(a.w1), BigInt(a.w2), BigInt(a.w3)],
    rollingHash: BigInt(a.rollingHash),
    deadline: BigInt(a.deadline),
    blockNumber: log.blockNumber,
  };
}

/** The L2 deposit transaction for a queued deposit. */
export function depositOf(op: QueuedOperation): Deposit {
  if (op.kind !== QueueKind.Deposit) {
    throw new OpenLedgerError(
      ErrorCode.QueueOrder,
      `queue operation ${op.index} is of kind ${op.kind}, not a deposit`,
    );
  }
  const [sender, x, y] = op.words;
  return {
    type: TxType.Deposit,
    queueIndex: op.index,
    l1Sender: getAddress(`0x${sender.toString(16).padStart(40, "0")}`),
    to: op.account,
    publicKey: { x, y },
    amount: op.amount,
  };
}

/**
 * Checks that L2's rolling hash, extended by this deposit, is the one L1 recorded: the relay
 * never feeds L2 an operation L1 would not accept as consumed.
 */
export function checkRollingHash(previous: Field, d: Deposit, op: QueuedOperation): Field {
  const next = depositQueueHash(previous, d);
  if (next !== op.rollingHash) {
    throw new OpenLedgerError(
      ErrorCode.QueueOrder,
      `queue hash mismatch at operation ${op.index}: L2 computes ${next}, L1 recorded ${op.rollingHash}`,
    );
  }
  return next;
}
