import { getAddress, type Log, type LogDescription } from "ethers";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import type { Field } from "../protocol/field.ts";
import { queueOpHash } from "../protocol/state/apply.ts";
import { type QueueOp, TxType } from "../protocol/tx/types.ts";

/**
 * Operations of the L1 priority queue as the Rollup's `OperationQueued` events carry them
 * (docs/protocol.md section 8): deposits, forced withdrawals and the two governance orders.
 * L2 executes each kind as the queue operation of type kind + 7 (protocol/tx/types.ts).
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
  readonly blockHash: string;
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
    blockHash: log.blockHash,
  };
}

/** The L2 queue operation for a queued L1 operation. */
export function queueOpOf(op: QueuedOperation): QueueOp {
  const [w1, w2, w3] = op.words;
  const queueIndex = op.index;
  const l1Sender = () => getAddress(`0x${w1.toString(16).padStart(40, "0")}`);
  switch (op.kind) {
    case QueueKind.Deposit:
      return {
        type: TxType.Deposit,
        queueIndex,
        l1Sender: l1Sender(),
        to: op.account,
        publicKey: { x: w2, y: w3 },
        amount: op.amount,
      };
    case QueueKind.ForcedWithdrawal:
      return {
        type: TxType.ForcedWithdrawal,
        queueIndex,
        l1Sender: l1Sender(),
        account: op.account,
        amount: op.amount,
      };
    case QueueKind.SetParameter:
      return { type: TxType.SetParameter, queueIndex, paramId: op.account, value: w1 };
    case QueueKind.Slash:
      return { type: TxType.Slash, queueIndex, account: op.account, amount: op.amount };
    default:
      throw new OpenLedgerError(
        ErrorCode.QueueOrder,
        `queue operation ${op.index} has unknown kind ${op.kind}`,
      );
  }
}

/**
 * Checks that L2's rolling hash, extended by this operation, is the one L1 recorded: the
 * relay never feeds L2 an operation L1 would not accept as consumed.
 */
export function checkRollingHash(previous: Field, l2: QueueOp, op: QueuedOperation): Field {
  const next = queueOpHash(previous, l2);
  if (next !== op.rollingHash) {
    throw new OpenLedgerError(
      ErrorCode.QueueOrder,
      `queue hash mismatch at operation ${op.index}: L2 computes ${next}, L1 recorded ${op.rollingHash}`,
    );
  }
  return next;
}
