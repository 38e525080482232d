import { addressToField } from "../domain.ts";
import type { Field } from "../field.ts";
import { poseidon } from "../poseidon.ts";
import { SparseMerkleTree } from "../smt.ts";
import type { GovernanceParams } from "./leaves.ts";
import type { LeafUpdate, QueueCursor, RollupState } from "./state.ts";

/** An L2 -> L1 payout: leaf Poseidon(recipient, amount) of the batch's withdrawals tree. */
export interface Withdrawal {
  /** L1 address. */
  readonly recipient: string;
  readonly amount: bigint;
}

/** What the state transition accumulates while a batch is open (section 7). */
export interface BatchContext {
  /** Fees collected so far; credited to the fee recipient when the batch closes. */
  feeTotal: bigint;
  readonly withdrawals: Withdrawal[];
  /**
   * The parameters the batch's set-parameter order leaves, applied when the batch closes
   * (section 7, step 5); at most one such order per batch.
   */
  governanceAfter?: GovernanceParams;
}

/** A batch after its fee credit: everything it commits to but the state root. */
export interface FinishedBatch {
  /** Fees credited to the fee recipient (0 when it holds no account: the fees are burnt). */
  readonly feesCredited: bigint;
  readonly withdrawals: readonly Withdrawal[];
  readonly withdrawalsRoot: Field;
  readonly queueStart: QueueCursor;
  readonly queueEnd: QueueCursor;
  /** The fee credit's leaf update, in witness mode. */
  readonly updates: readonly LeafUpdate[];
}

export interface ClosedBatch extends FinishedBatch {
  readonly stateRoot: Field;
}

export interface OpenBatch extends BatchContext {
  readonly queueStart: QueueCursor;
  readonly preStateRoot: Field;
}

export function beginBatch(state: RollupState): OpenBatch {
  return { feeTotal: 0n, withdrawals: [], queueStart: state.queue, preStateRoot: state.root() };
}

/**
 * Closes a batch after its last transaction: one credit of all fees to `feeRecipient`
 * (section 7, step 2), the batch's parameter change if it has one, then the roots the batch
 * commits to.
 */
export function closeBatch(state: RollupState, batch: OpenBatch, feeRecipient: number): ClosedBatch {
  const finished = finishBatch(state, batch, feeRecipient);
  return { ...finished, stateRoot: state.root() };
}

/** `closeBatch` without the state root, for a caller that hashes the trees in steps (`rootSteps`). */
export function finishBatch(
  state: RollupState,
  batch: BatchContext & { readonly queueStart: QueueCursor },
  feeRecipient: number,
): FinishedBatch {
  state.takeUpdates();
  const recipient = state.accounts.get(feeRecipient);
  const credit = recipient && batch.feeTotal > 0n ? batch.feeTotal : 0n;
  if (recipient && credit > 0n) {
    state.setAccount(feeRecipient, { ...recipient, balance: recipient.balance + credit });
  }
  if (batch.governanceAfter) state.governance = batch.governanceAfter;
  return {
    feesCredited: credit,
    withdrawals: [...batch.withdrawals],
    withdrawalsRoot: withdrawalsRoot(batch.withdrawals, state.params.withdrawalsDepth),
    queueStart: batch.queueStart,
    queueEnd: state.queue,
    updates: state.takeUpdates(),
  };
}

export const withdrawalLeaf = (w: Withdrawal): Field => poseidon([addressToField(w.recipient), w.amount]);

export function withdrawalsRoot(withdrawals: readonly Withdrawal[], depth: number): Field {
  const tree = new SparseMerkleTree({ arity: 2, depth });
  tree.setMany(withdrawals.map((w, i) => [BigInt(i), withdrawalLeaf(w)] as const));
  return tree.root;
}
