import type { GovernanceParams } from "../state/leaves.ts";

/** Basis points are out of this (docs/protocol.md §6). */
export const BPS = 10_000n;

/** Payable scores are below 2^64 (docs/protocol.md §11.2). */
export const PAYABLE_SCORE_BITS = 64;

/** Where one inference payment goes (docs/protocol.md §11.2). */
export interface PaymentSplit {
  readonly prover: bigint;
  readonly protocol: bigint;
  /** The model owner's part of the model share. */
  readonly owner: bigint;
  /** The base model owner's part; 0 for a model that is not a fine-tune. */
  readonly base: bigint;
  /** The data pool: what is left, so it takes the rounding dust of the other shares. */
  readonly pool: bigint;
}

export function splitPayment(payment: bigint, gov: GovernanceParams, hasBase: boolean): PaymentSplit {
  const prover = (payment * BigInt(gov.proverBps)) / BPS;
  const protocol = (payment * BigInt(gov.protocolBps)) / BPS;
  const modelAll = (payment * BigInt(gov.modelBps)) / BPS;
  const base = hasBase ? (modelAll * BigInt(gov.baseModelBps)) / BPS : 0n;
  return { prover, protocol, owner: modelAll - base, base, pool: payment - prover - protocol - modelAll };
}

/** A data pool divided by payable scores, and what rounding (or no score at all) leaves. */
export interface DataCredits {
  /** `pool * s_j / S` per contribution, in the order of the scores. */
  readonly credits: readonly bigint[];
  /** `pool - sum(credits)`: the treasury's. The whole pool when no score is above zero. */
  readonly dust: bigint;
}

export function creditData(pool: bigint, scores: readonly bigint[]): DataCredits {
  const total = scores.reduce((a, s) => a + s, 0n);
  if (total === 0n) return { credits: scores.map(() => 0n), dust: pool };
  const credits = scores.map((s) => (pool * s) / total);
  return { credits, dust: pool - credits.reduce((a, c) => a + c, 0n) };
}
