import { describe, expect, it } from "vitest";
import { creditData, splitPayment } from "../../protocol/rewards/split.ts";
import { TEST_GOVERNANCE } from "../../protocol/testing.ts";
import type { CreditInfo } from "../../sdk/wire.ts";
import { inferenceAttribution, paidByRole, topContributors } from "./rewards.ts";

/**
 * The pure part of the epoch and inference pages, on settlements built by the protocol's own
 * split (the API test runs them on a real chain): ties, scores past a double's precision, and
 * an inference whose scores are all zero.
 */
const MAX = (1n << 64n) - 1n;

/** A settlement of model 1 (contributions 1 and 2, owned by accounts 11 and 12) with these payments and scores. */
function settlement(rows: { id: number; payment: bigint; scores: bigint[] }[]) {
  const settled = rows.map((r) => {
    const split = splitPayment(r.payment, TEST_GOVERNANCE, false);
    const { credits, dust } = creditData(split.pool, r.scores);
    return { ...r, split, credits, dust };
  });
  const sum = (f: (r: (typeof settled)[number]) => bigint) =>
    settled.reduce((a, r) => a + f(r), 0n).toString();
  const credits: CreditInfo[] = [
    { role: "data", account: 11, amount: sum((r) => r.credits[0]!), contribution: 1 },
    { role: "data", account: 12, amount: sum((r) => r.credits[1]!), contribution: 2 },
    { role: "model", account: 13, amount: sum((r) => r.split.owner) },
    { role: "prover", account: 14, amount: sum((r) => r.split.prover) },
    { role: "treasury", account: 15, amount: sum((r) => r.split.protocol + r.dust) },
  ];
  return {
    proverAccount: 14,
    treasuryAccount: 15,
    inferences: rows.map((r) => r.id),
    scores: rows.map((r) => r.scores.map(String)),
    contributions: [1, 2],
    paid: sum((r) => r.payment),
    credits,
    settled: settled.map((r) => ({
      id: r.id,
      payment: r.payment.toString(),
      prover: r.split.prover.toString(),
      protocol: r.split.protocol.toString(),
      owner: r.split.owner.toString(),
      base: r.split.base.toString(),
      pool: r.split.pool.toString(),
      dataCredits: r.credits.map(String),
      dust: r.dust.toString(),
    })),
  };
}

describe("reward views", () => {
  const a = settlement([
    { id: 1, payment: 10_000n, scores: [MAX, MAX - 1n] },
    { id: 2, payment: 999n, scores: [0n, 0n] },
  ]);
  const b = settlement([{ id: 3, payment: 7n, scores: [1n, 2n] }]);

  it("adds an epoch's credits by role, every unit of the payments accounted for", () => {
    const paid = paidByRole([a, b]);
    expect(paid.total).toBe("11006");
    const roles = [paid.data, paid.model, paid.baseModel, paid.prover, paid.treasury].map(BigInt);
    expect(roles.reduce((x, y) => x + y, 0n)).toBe(11_006n);
    expect(paid.baseModel).toBe("0");
  });

  it("ranks contributors by credit, a tie by account id", () => {
    // Settlement a credits both about equally; b's inference 3 scored contribution 2 twice as high.
    const top = topContributors([a, b], 10);
    expect(top.map((c) => c.account)).toEqual([12, 11]);
    expect(BigInt(top[0]!.amount)).toBeGreaterThan(BigInt(top[1]!.amount));
    expect(top[0]!.contributions).toEqual([2]);
    expect(topContributors([a], 1)).toHaveLength(1);
    // Two accounts credited the same: the lower id first, whatever the order they came in.
    const tie = settlement([{ id: 4, payment: 10_000n, scores: [5n, 5n] }]);
    expect(
      topContributors([{ ...tie, credits: [...tie.credits].reverse() }], 10).map((c) => c.account),
    ).toEqual([11, 12]);
  });

  it("splits an inference's pool by exact scores near 2^64, and shows zero shares when nothing scored", () => {
    const one = inferenceAttribution(a, 1)!;
    // A double cannot tell MAX from MAX - 1; the share is computed in integers first.
    expect(one.contributions.map((c) => c.share)).toEqual([0.5, 0.499999]);
    expect(
      BigInt(one.contributions[0]!.credit) + BigInt(one.contributions[1]!.credit) + BigInt(one.split.dust),
    ).toBe(BigInt(one.split.pool));
    expect(one.accounts).toEqual({ prover: 14, treasury: 15, owner: 13, baseOwner: null });
    const none = inferenceAttribution(a, 2)!;
    expect(none.contributions.map((c) => [c.share, c.credit])).toEqual([
      [0, "0"],
      [0, "0"],
    ]);
    expect(none.split.dust).toBe(none.split.pool);
    expect(inferenceAttribution(a, 3)).toBeUndefined();
  });
});
