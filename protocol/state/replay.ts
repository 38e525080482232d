import type { QueueOp, SignedTx } from "../tx/types.ts";
import { applyTx } from "./apply.ts";
import { beginBatch, type ClosedBatch, closeBatch } from "./batch.ts";
import type { RollupState } from "./state.ts";

/**
 * Applies a sealed batch's transactions as the sequencer published them, then closes it. The
 * signatures are not checked again: whoever replays compares the resulting root with the root
 * L1 committed for the entry, which is the judge of every transaction in it.
 */
export function replayBatch(
  state: RollupState,
  txs: readonly (SignedTx | QueueOp)[],
  feeRecipient: number,
): ClosedBatch {
  const batch = beginBatch(state);
  for (const tx of txs) applyTx(state, batch, tx, { signatureChecked: true });
  return closeBatch(state, batch, feeRecipient);
}
