import { Contract, getAddress, type Signer } from "ethers";
import { type BatchRoots, committedBatch, rootsArg } from "../contracts/client/batch-roots.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import type { Withdrawal } from "../protocol/state/batch.ts";
import { BRIDGE_ABI } from "./bridge-abi.ts";
import { type WithdrawalProof, withdrawalProofs } from "./withdrawal-proof.ts";

export interface ClaimOutcome {
  readonly leafIndex: number;
  readonly recipient: string;
  readonly amount: bigint;
  /** The claim's L1 transaction, or undefined when the withdrawal was already paid. */
  readonly l1TxHash?: string;
}

/**
 * Claims on L1 the withdrawals of a finalized batch, all of them or those paying `recipient`.
 * The withdrawal list may come from anywhere (the sequencer's `ol_getBatch`, the batch's
 * calldata): it is trusted only once its root equals the batch's withdrawals root on L1 (from
 * its BatchCommitted event, checked against the hash L1 stores). Anyone may send the claims;
 * L1 always pays each leaf's recipient. `fromBlock`: the rollup's deployment block.
 */
export async function claimWithdrawals(
  rollupAddress: string,
  signer: Signer,
  batchIndex: number,
  withdrawals: readonly Withdrawal[],
  options: { recipient?: string; fromBlock?: number } = {},
): Promise<ClaimOutcome[]> {
  const rollup = new Contract(rollupAddress, BRIDGE_ABI, signer);
  const depth = Number(await rollup.withdrawalsDepth!());
  const proofs = withdrawalProofs(withdrawals, depth);
  const committed = batchIndex > 0 ? await committedBatch(rollup, batchIndex, options.fromBlock) : undefined;
  if (!committed) {
    throw new OpenLedgerError(ErrorCode.NotFinal, `batch ${batchIndex} is not committed on L1`);
  }
  const root = proofs[0]?.root;
  if (root === undefined || root !== committed.roots.withdrawalsRoot) {
    throw new OpenLedgerError(
      ErrorCode.InvalidProof,
      `the ${withdrawals.length} withdrawals given do not hash to batch ${batchIndex}'s withdrawals root on L1`,
    );
  }
  const finalized = Number(await rollup.lastFinalizedBatch!());
  if (batchIndex > finalized) {
    throw new OpenLedgerError(
      ErrorCode.NotFinal,
      `batch ${batchIndex} is not final on L1 yet (last final batch: ${finalized}); claim once its proof is in`,
    );
  }
  const wanted = options.recipient ? getAddress(options.recipient) : undefined;
  const outcomes: ClaimOutcome[] = [];
  for (const p of proofs) {
    if (wanted && getAddress(p.recipient) !== wanted) continue;
    outcomes.push(await claimOne(rollup, batchIndex, committed.roots, p));
  }
  return outcomes;
}

async function claimOne(
  rollup: Contract,
  batchIndex: number,
  roots: BatchRoots,
  p: WithdrawalProof,
): Promise<ClaimOutcome> {
  const base = { leafIndex: p.leafIndex, recipient: p.recipient, amount: p.amount };
  if (await rollup.isClaimed!(batchIndex, p.leafIndex)) return base;
  const tx = await rollup.claimWithdrawal!(
    batchIndex,
    rootsArg(roots),
    p.leafIndex,
    p.recipient,
    p.amount,
    p.siblings,
  );
  await tx.wait();
  return { ...base, l1TxHash: tx.hash as string };
}
