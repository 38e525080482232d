import type { Field } from "../protocol/field.ts";
import { SparseMerkleTree } from "../protocol/smt.ts";
import { type Withdrawal, withdrawalLeaf } from "../protocol/state/batch.ts";

export interface WithdrawalProof {
  readonly leafIndex: number;
  readonly recipient: string;
  readonly amount: bigint;
  /** Sibling per level of the binary withdrawals tree, bottom first: what claimWithdrawal takes. */
  readonly siblings: readonly Field[];
  readonly root: Field;
}

/** Inclusion proofs of a batch's withdrawals in its binary Poseidon tree (docs/protocol.md 8). */
export function withdrawalProofs(withdrawals: readonly Withdrawal[], depth: number): WithdrawalProof[] {
  const tree = new SparseMerkleTree({ arity: 2, depth });
  tree.setMany(withdrawals.map((w, i) => [BigInt(i), withdrawalLeaf(w)] as const));
  return withdrawals.map((w, i) => ({
    leafIndex: i,
    recipient: w.recipient,
    amount: w.amount,
    siblings: tree.proof(BigInt(i)).siblings.map((level) => level[0]!),
    root: tree.root,
  }));
}
