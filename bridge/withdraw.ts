/**
 * Follows an L2 withdrawal from its batch through L1 (committed, proven, final) and claims it
 * once final: what `openledger bridge withdraw` waits for.
 */
import { Contract, type Signer } from "ethers";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import { BRIDGE_ABI } from "./bridge-abi.ts";
import { type ClaimOutcome, claimWithdrawals } from "./claims.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { batchProgress } from "./l1-reads.ts";
import { stagesBetween, type WithdrawalStage, withdrawalNextStep, withdrawalStage } from "./stages.ts";

export interface FollowOptions {
  readonly l2: OpenLedgerProvider;
  readonly rollupAddress: string;
  /** Sends the claim; the OPEN goes to the withdrawal's recipient whoever sends it. */
  readonly signer: Signer;
  /** The entry the withdrawal executed in. */
  readonly batch: number;
  readonly recipient: string;
  readonly fromBlock: number;
  readonly pollMs: number;
  /** Give up (the claim can be made later) after this long; no limit if undefined. */
  readonly timeoutMs?: number;
  /** Hears each stage reached, in order, once. */
  readonly onStage: (stage: WithdrawalStage) => void;
}

/** Waits for the withdrawal's batch to become final on L1, then claims what it pays `recipient`. */
export async function followWithdrawal(o: FollowOptions): Promise<ClaimOutcome[]> {
  const rollup = new Contract(o.rollupAddress, BRIDGE_ABI, o.signer);
  const until = o.timeoutMs === undefined ? Infinity : Date.now() + o.timeoutMs;
  let reached: WithdrawalStage = "executed";
  for (;;) {
    const sealed = (await o.l2.getBatch(o.batch)) !== null;
    const progress = await batchProgress(rollup, o.batch);
    const stage = withdrawalStage({ sealed, ...progress, claimed: false });
    for (const s of stagesBetween(reached, stage)) o.onStage(s);
    reached = stage;
    if (stage === "final") break;
    if ((await rollup.getFunction("head")()).frozen) {
      throw new BridgeError(BridgeErrorCode.Frozen, withdrawalNextStep(stage, o.batch, true));
    }
    if (Date.now() > until) {
      throw new BridgeError(
        BridgeErrorCode.Timeout,
        `batch ${o.batch} is ${stage}, not final yet: finish later with \`openledger bridge claim --batch ${o.batch}\``,
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  const entry = await o.l2.getBatch(o.batch);
  const withdrawals = entry?.kind === "batch" ? entry.withdrawals : [];
  const claimed = await claimWithdrawals(
    o.rollupAddress,
    o.signer,
    o.batch,
    withdrawals.map((w) => ({ recipient: w.recipient, amount: BigInt(w.amount) })),
    { recipient: o.recipient, fromBlock: o.fromBlock },
  );
  o.onStage("claimed");
  return claimed;
}
