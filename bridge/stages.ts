/**
 * Where a user's transfer between L1 and L2 stands, and what they can do next: pure functions
 * of facts read from L1 and the sequencer (status-read.ts reads them), so the CLI's `bridge
 * withdraw` and `bridge status` say the same thing and tests check every case without a chain.
 */

/** An L2 withdrawal's path to L1, in order (docs/contracts.md, "Withdrawals"). */
export const WITHDRAWAL_STAGES = ["executed", "sealed", "committed", "proven", "final", "claimed"] as const;
export type WithdrawalStage = (typeof WITHDRAWAL_STAGES)[number];

/** What is known of a withdrawal's batch: each fact implies the ones before it. */
export interface WithdrawalFacts {
  /** The sequencer sealed the batch holding it. */
  readonly sealed: boolean;
  /** L1 holds the batch's commitment. */
  readonly committed: boolean;
  /** The batch's proof verified on L1. */
  readonly proven: boolean;
  /** It and every batch before it are proven: its withdrawals can be claimed. */
  readonly final: boolean;
  readonly claimed: boolean;
}

export function withdrawalStage(f: WithdrawalFacts): WithdrawalStage {
  if (f.claimed) return "claimed";
  if (f.final) return "final";
  if (f.proven) return "proven";
  if (f.committed) return "committed";
  if (f.sealed) return "sealed";
  return "executed";
}

/** The stages after `from` up to and including `to`: what a follower prints as it advances. */
export function stagesBetween(from: WithdrawalStage | undefined, to: WithdrawalStage): WithdrawalStage[] {
  const start = from === undefined ? 0 : WITHDRAWAL_STAGES.indexOf(from) + 1;
  return WITHDRAWAL_STAGES.slice(start, WITHDRAWAL_STAGES.indexOf(to) + 1);
}

/** What the recipient can do about a withdrawal of batch `batch` at `stage`. */
export function withdrawalNextStep(stage: WithdrawalStage, batch: number, frozen: boolean): string {
  if (frozen && WITHDRAWAL_STAGES.indexOf(stage) < WITHDRAWAL_STAGES.indexOf("final")) {
    // Freeze keeps only finalized state: the withdrawal never left the account exits pay.
    return "void: the rollup froze before its batch was final; the OPEN is in your account's exit (openledger bridge exit)";
  }
  switch (stage) {
    case "executed":
      return `wait: the sequencer seals batch ${batch}`;
    case "sealed":
      return `wait: the sequencer commits batch ${batch} on L1`;
    case "committed":
      return `wait: a prover proves batch ${batch}`;
    case "proven":
      return `wait: batches before ${batch} must be proven too`;
    case "final":
      return `claim it: openledger bridge claim --batch ${batch}`;
    case "claimed":
      return "nothing: paid on L1";
  }
}

/** A deposit's or forced withdrawal's path through the L1 priority queue (docs/protocol.md §8). */
export type QueueStage = "queued" | "committed" | "final" | "refundable" | "refunded" | "void";

export interface QueueFacts {
  readonly kind: "deposit" | "forced withdrawal";
  readonly index: bigint;
  /** Unix seconds by which a finalized batch must have processed it. */
  readonly deadline: bigint;
  /** L1 block time now. */
  readonly now: bigint;
  /** Queue operations consumed by committed batches (head().queueCommitted). */
  readonly queueCommitted: bigint;
  /** Queue operations consumed by the last finalized batch. */
  readonly queueFinalized: bigint;
  /** Set once frozen: the first operation no finalized batch processed. */
  readonly frozenQueueEnd?: bigint;
  readonly refunded: boolean;
}

export function queueStage(f: QueueFacts): QueueStage {
  if (f.index < f.queueFinalized) return "final";
  if (f.frozenQueueEnd !== undefined) {
    if (f.kind === "forced withdrawal") return "void";
    return f.refunded ? "refunded" : "refundable";
  }
  return f.index < f.queueCommitted ? "committed" : "queued";
}

export function queueNextStep(stage: QueueStage, f: QueueFacts): string {
  const overdue = f.now > f.deadline;
  switch (stage) {
    case "queued":
      return overdue
        ? "overdue: the sequencer ignored it past its deadline; anyone may freeze the rollup (openledger bridge freeze)"
        : `wait: the sequencer must process it by ${isoTime(f.deadline)}`;
    case "committed":
      return overdue
        ? "overdue: its batch is not proven by the deadline; anyone may freeze the rollup (openledger bridge freeze)"
        : `wait: a prover proves the batch that processed it (due by ${isoTime(f.deadline)})`;
    case "final":
      return f.kind === "deposit"
        ? "nothing: credited on L2"
        : "processed: its withdrawal is in the batch's withdrawals (claim it: see the withdrawal's line)";
    case "refundable":
      return "refund it: openledger bridge refund";
    case "refunded":
      return "nothing: refunded on L1";
    case "void":
      return "void: the rollup froze first; your balance is in your account's exit (openledger bridge exit)";
  }
}

export const isoTime = (unixSeconds: bigint): string => new Date(Number(unixSeconds) * 1000).toISOString();
