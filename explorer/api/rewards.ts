import type { CreditInfo, SettlementInfo } from "../../sdk/wire.ts";

/**
 * What the epoch and inference pages show of reward settlements, computed from the sequencer's
 * settlement entries (docs/protocol.md §11.2). Pure: no I/O, amounts as decimal strings.
 */

type Role = CreditInfo["role"];

/** What the epoch totals read of a settlement. */
type Paid = Pick<SettlementInfo, "paid" | "credits">;
/** What an inference's attribution reads of the settlement that paid it. */
type Split = Pick<
  SettlementInfo,
  "inferences" | "scores" | "settled" | "credits" | "contributions" | "proverAccount" | "treasuryAccount"
>;

/** What an epoch's settlements paid, by role (§11.2's five credit sums). */
export function paidByRole(settlements: readonly Paid[]): Record<Role | "total", string> {
  const sums: Record<Role | "total", bigint> = {
    total: 0n,
    data: 0n,
    model: 0n,
    baseModel: 0n,
    prover: 0n,
    treasury: 0n,
  };
  for (const s of settlements) {
    sums.total += BigInt(s.paid);
    for (const c of s.credits) sums[c.role] += BigInt(c.amount);
  }
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.toString()])) as Record<
    Role | "total",
    string
  >;
}

export interface Contributor {
  readonly account: number;
  readonly amount: string;
  /** The contributions whose data credits make up `amount`, in id order. */
  readonly contributions: number[];
}

/** Data contributors by what their contributions were credited, highest first (ties: lower account first). */
export function topContributors(settlements: readonly Paid[], limit: number): Contributor[] {
  const byAccount = new Map<number, { amount: bigint; contributions: Set<number> }>();
  for (const s of settlements) {
    for (const c of s.credits) {
      if (c.role !== "data") continue;
      const entry = byAccount.get(c.account) ?? { amount: 0n, contributions: new Set<number>() };
      entry.amount += BigInt(c.amount);
      entry.contributions.add(c.contribution!);
      byAccount.set(c.account, entry);
    }
  }
  return [...byAccount]
    .sort(([a, x], [b, y]) => (x.amount === y.amount ? a - b : x.amount > y.amount ? -1 : 1))
    .slice(0, limit)
    .map(([account, e]) => ({
      account,
      amount: e.amount.toString(),
      contributions: [...e.contributions].sort((a, b) => a - b),
    }));
}

export interface AttributionRow {
  readonly contribution: number;
  readonly owner: number;
  /** The payable score, fixed point at scale 2^32 (docs/attribution.md §4). */
  readonly score: string;
  /** score / Σ scores, for display (0 when no score is above zero); the credit is the exact value. */
  readonly share: number;
  readonly credit: string;
}

/** One settled inference: its payment's split, who got each share, and the data pool's division. */
export interface InferenceAttribution {
  readonly payment: string;
  readonly split: {
    readonly prover: string;
    readonly protocol: string;
    readonly owner: string;
    readonly base: string;
    readonly pool: string;
    readonly dust: string;
  };
  readonly accounts: {
    readonly prover: number;
    readonly treasury: number;
    readonly owner: number;
    /** null for a model that is not a fine-tune. */
    readonly baseOwner: number | null;
  };
  readonly contributions: AttributionRow[];
}

/** Inference `id`'s part of settlement `s`; undefined if `s` did not settle it. */
export function inferenceAttribution(s: Split, id: number): InferenceAttribution | undefined {
  const i = s.inferences.indexOf(id);
  const settled = s.settled[i];
  if (i < 0 || !settled) return undefined;
  const scores = s.scores[i]!;
  const total = scores.reduce((a, x) => a + BigInt(x), 0n);
  const owners = new Map(s.credits.filter((c) => c.role === "data").map((c) => [c.contribution!, c.account]));
  const accountOf = (role: Role) => s.credits.find((c) => c.role === role)?.account ?? null;
  return {
    payment: settled.payment,
    split: {
      prover: settled.prover,
      protocol: settled.protocol,
      owner: settled.owner,
      base: settled.base,
      pool: settled.pool,
      dust: settled.dust,
    },
    accounts: {
      prover: s.proverAccount,
      treasury: s.treasuryAccount,
      owner: accountOf("model")!,
      baseOwner: accountOf("baseModel"),
    },
    contributions: s.contributions.map((contribution, j) => ({
      contribution,
      owner: owners.get(contribution)!,
      score: scores[j]!,
      share: total === 0n ? 0 : ratio(BigInt(scores[j]!), total),
      credit: settled.dataCredits[j]!,
    })),
  };
}

/** a / b to six decimals, exact in integers first: scores reach 2^64, past a double's precision. */
function ratio(a: bigint, b: bigint): number {
  return Number((a * 1_000_000n) / b) / 1_000_000;
}
