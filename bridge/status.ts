/**
 * `bridge status` as data: every deposit, forced withdrawal and withdrawal of one L1 address
 * with its stage and the user's next step, assembled from facts (status-read.ts reads them).
 */
import { formatOpen } from "../sdk/amounts.ts";
import {
  type QueueFacts,
  queueNextStep,
  queueStage,
  type WithdrawalFacts,
  withdrawalNextStep,
  withdrawalStage,
} from "./stages.ts";

export interface StatusRow {
  readonly kind: "deposit" | "forced withdrawal" | "withdrawal" | "exit";
  /** Where it is: "queue 3", "batch 5 leaf 0", "account 2". */
  readonly ref: string;
  /** Absent for an exit: what it pays is known once `bridge exit` rebuilt the finalized state. */
  readonly amount?: bigint;
  readonly stage: string;
  readonly next: string;
}

export interface QueuedItem {
  readonly kind: QueueFacts["kind"];
  readonly index: bigint;
  readonly account: number;
  readonly amount: bigint;
  readonly deadline: bigint;
  readonly refunded: boolean;
}

export interface WithdrawalItem {
  readonly batch: number;
  readonly leafIndex: number;
  readonly amount: bigint;
  readonly facts: WithdrawalFacts;
}

/** An account of the address, once frozen: what its exit pays. */
export interface ExitItem {
  readonly account: number;
  readonly exited: boolean;
}

export interface ChainFacts {
  readonly now: bigint;
  readonly queueCommitted: bigint;
  readonly queueFinalized: bigint;
  readonly frozenQueueEnd?: bigint;
}

export interface BridgeStatus {
  readonly address: string;
  readonly frozen: boolean;
  readonly rows: StatusRow[];
}

export function assembleStatus(
  address: string,
  chain: ChainFacts,
  items: {
    queued: readonly QueuedItem[];
    withdrawals: readonly WithdrawalItem[];
    exits: readonly ExitItem[];
  },
): BridgeStatus {
  const frozen = chain.frozenQueueEnd !== undefined;
  const rows: StatusRow[] = [];
  for (const q of items.queued) {
    const facts: QueueFacts = { ...chain, ...q };
    const stage = queueStage(facts);
    const ref =
      q.kind === "deposit"
        ? `queue ${q.index} to account ${q.account || "new"}`
        : `queue ${q.index} from account ${q.account}`;
    rows.push({ kind: q.kind, ref, amount: q.amount, stage, next: queueNextStep(stage, facts) });
  }
  for (const w of items.withdrawals) {
    const stage = withdrawalStage(w.facts);
    rows.push({
      kind: "withdrawal",
      ref: `batch ${w.batch} leaf ${w.leafIndex}`,
      amount: w.amount,
      stage,
      next: withdrawalNextStep(stage, w.batch, frozen),
    });
  }
  for (const e of items.exits) {
    rows.push({
      kind: "exit",
      ref: `account ${e.account}`,
      stage: e.exited ? "exited" : "open",
      next: e.exited ? "nothing: paid on L1" : `exit it: openledger bridge exit --account ${e.account}`,
    });
  }
  return { address, frozen, rows };
}

/** The status as lines a person reads. */
export function describeStatus(s: BridgeStatus): string {
  const head = `${s.address}${s.frozen ? " (the rollup is frozen: exits and refunds are open)" : ""}`;
  if (s.rows.length === 0) return `${head}\nnothing pending: no deposits, forced withdrawals or withdrawals`;
  return [
    head,
    ...s.rows.map(
      (r) =>
        `${r.kind.padEnd(17)} ${r.ref.padEnd(26)} ${(r.amount === undefined ? "" : `${formatOpen(r.amount)} OPEN`).padEnd(20)} ${r.stage.padEnd(10)} ${r.next}`,
    ),
  ].join("\n");
}
