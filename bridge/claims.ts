import { Contract, getAddress, type Signer } from "ethers";
import { ROLLUP_ABI } from "../contracts/client/rollup-abi.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import type { Withdrawal } from "../protocol/state/batch.ts";
import { type WithdrawalProof, withdrawalProofs } from "./withdrawal-proof.ts";

/** The rollup calls the claim tooling needs beyond the shared client ABI. */
const CLAIM_ABI = [
  ...ROLLUP_ABI,
  "function isClaimed(uint64 batchIndex, uint32 leafIndex) view returns (bool)",
  "function withdrawalsDepth() view returns (uint256)",
] as const;

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
 * calldata): it is trusted only once its root equals the root L1 stored for the batch.
 * Anyone may send the claims; L1 always pays each leaf's recipient.
 */
export async function claimWithdrawals(
  rollupAddress: string,
  signer: Signer,
  batchIndex: number,
  withdrawals: readonly Withdrawal[],
  filter: { recipient?: string } = {},
): Promise<ClaimOutcome[]> {
  const rollup = new Contract(rollupAddress, CLAIM_ABI, signer);
  const depth = Number(await rollup.withdrawalsDepth!());
  const proofs = withdrawalProofs(withdrawals, depth);
  const stored = BigInt((await rollup.batch!(batchIndex)).withdrawalsRoot);
  const root = proofs[0]?.root;
  if (root === undefined || root !== stored) {
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
  const wanted = filter.recipient ? getAddress(filter.recipient) : undefined;
  const outcomes: ClaimOutcome[] = [];
  for (const p of proofs) {
    if (wanted && getAddress(p.recipient) !== wanted) continue;
    outcomes.push(await claimOne(rollup, batchIndex, p));
  }
  return outcomes;
}

async function claimOne(rollup: Contract, batchIndex: number, p: WithdrawalProof): Promise<ClaimOutcome> {
  const base = { leafIndex: p.leafIndex, recipient: p.recipient, amount: p.amount };
  if (await rollup.isClaimed!(batchIndex, p.leafIndex)) return base;
  const tx = await rollup.claimWithdrawal!(batchIndex, p.leafIndex, p.recipient, p.amount, p.siblings);
  await tx.wait();
  return { ...base, l1TxHash: tx.hash as string };
}
