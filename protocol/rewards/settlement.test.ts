import { describe, expect, it } from "vitest";
import { ErrorCode } from "../errors.ts";
import { countersHash } from "../state/leaves.ts";
import { GENESIS_GOVERNANCE } from "../genesis.ts";
import type { RollupState } from "../state/state.ts";
import { codeOf } from "../testing.ts";
import { scoresCommitment } from "./commitment.ts";
import { decodeSettlementData, encodeSettlementData } from "./encoding.ts";
import { signSettlement, verifySettlement } from "./sign.ts";
import { derivePublicKey } from "../eddsa.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { applySettlement, type Settlement } from "./settlement.ts";
import { BPS, creditData, splitPayment } from "./split.ts";
import { rewardFixture } from "./testing.ts";
import { buildSettlementWitness } from "./witness.ts";

/** Deterministic xorshift, so a failing random case can be reproduced. */
function rng(seed: bigint) {
  let x = seed;
  return (bound: bigint) => {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    return x % bound;
  };
}

/** Every unit of OPEN the state holds: balances, stakes, contribution stakes, escrows. */
function held(state: RollupState): bigint {
  let total = 0n;
  for (const a of state.accounts.values()) total += a.balance + a.staked;
  for (const c of state.contributions.values()) total += c.stake;
  for (const m of state.models.values()) total += m.escrow;
  return total;
}

describe("payment split (docs/protocol.md §11.2)", () => {
  it("splits by basis points, the data pool taking the rounding dust", () => {
    expect(splitPayment(1000n, GENESIS_GOVERNANCE, true)).toEqual({
      prover: 50n,
      protocol: 50n,
      owner: 160n,
      base: 40n,
      pool: 700n,
    });
    expect(splitPayment(777n, GENESIS_GOVERNANCE, true)).toEqual({
      prover: 38n,
      protocol: 38n,
      owner: 124n,
      base: 31n,
      pool: 546n,
    });
    expect(splitPayment(777n, GENESIS_GOVERNANCE, false)).toEqual({
      prover: 38n,
      protocol: 38n,
      owner: 155n,
      base: 0n,
      pool: 546n,
    });
  });

  it("divides a pool by scores rounding down; dust and unscored pools are the treasury's", () => {
    expect(creditData(700n, [5n, 0n, 3n])).toEqual({ credits: [437n, 0n, 262n], dust: 1n });
    expect(creditData(546n, [0n, 0n, 0n])).toEqual({ credits: [0n, 0n, 0n], dust: 546n });
  });

  it("conserves every unit on random payments, parameters and scores", () => {
    const next = rng(0x9e3779b97f4a7c15n);
    for (let k = 0; k < 2000; k++) {
      const cut = [next(BPS + 1n), next(BPS + 1n), next(BPS + 1n)].sort((a, b) => Number(a - b));
      const gov = {
        ...GENESIS_GOVERNANCE,
        dataBps: Number(cut[0]!),
        modelBps: Number(cut[1]! - cut[0]!),
        proverBps: Number(cut[2]! - cut[1]!),
        protocolBps: Number(BPS - cut[2]!),
        baseModelBps: Number(next(BPS + 1n)),
      };
      const payment = next(1n << 96n);
      const split = splitPayment(payment, gov, next(2n) === 1n);
      const scores = Array.from({ length: Number(next(8n)) + 1 }, () =>
        next(3n) === 0n ? 0n : next(1n << 64n),
      );
      const { credits, dust } = creditData(split.pool, scores);
      const data = credits.reduce((a, c) => a + c, 0n);
      expect(split.prover + split.protocol + split.owner + split.base + data + dust).toBe(payment);
      expect(Object.values(split).every((x) => x >= 0n)).toBe(true);
      const scored = scores.some((x) => x > 0n);
      expect(scored ? dust >= 0n && dust < BigInt(scores.length) : dust === split.pool).toBe(true);
    }
  });

  it("pays nothing more for a contribution split into parts", () => {
    const next = rng(12345n);
    for (let k = 0; k < 500; k++) {
      const pool = next(1n << 96n);
      const scores = Array.from({ length: 6 }, () => next(1n << 60n));
      const whole = creditData(pool, scores).credits[0]!;
      const parts = [scores[0]! / 3n, scores[0]! / 3n, scores[0]! - 2n * (scores[0]! / 3n)];
      const split = creditData(pool, [...parts, ...scores.slice(1)]).credits.slice(0, 3);
      expect(split.reduce((a, c) => a + c, 0n) <= whole).toBe(true);
    }
  });
});

describe("reward settlement (docs/protocol.md §11)", () => {
  it("pays each account what an independent computation of the split says, to the unit", () => {
    const { state, end, settlement } = rewardFixture();
    const before = new Map([...state.accounts].map(([id, a]) => [id, a.balance]));
    const total = held(state);
    const receipt = applySettlement(state, settlement, end);

    // Inference 1 pays 1000: prover 50, protocol 50, model 200 (base 40, owner 160), pool 700
    // split [5, 0, 3] -> 437, 0, 262, dust 1. Inference 3 pays 777: prover 38, protocol 38,
    // model 155 (base 31, owner 124), pool 546 unscored -> treasury.
    const gained = (id: number) => state.accounts.get(id)!.balance - before.get(id)!;
    expect(gained(1)).toBe(437n + 262n); // contributions 1 and 3
    expect(gained(2)).toBe(0n + 40n + 31n); // contribution 2 scored 0; base model owner
    expect(gained(3)).toBe(0n);
    expect(gained(4)).toBe(160n + 124n);
    expect(gained(5)).toBe(50n + 38n);
    expect(gained(6)).toBe(50n + 1n + 38n + 546n);
    expect(receipt.paid).toBe(1777n);
    expect(state.models.get(2)!.escrow).toBe(5n);
    expect(state.inferences.get(1)!.payment).toBe(0n);
    expect(state.inferences.get(3)!.payment).toBe(0n);
    expect(state.inferences.get(4)!.payment).toBe(5n);
    expect(held(state)).toBe(total);
    expect(receipt.credits.map((c) => c.role)).toEqual([
      "data",
      "data",
      "data",
      "model",
      "baseModel",
      "prover",
      "treasury",
    ]);
  });

  it("settles a record once, and only a record of the model up to the epoch's end", () => {
    const refused = (
      change: (s: Settlement) => Settlement,
      setup?: (f: ReturnType<typeof rewardFixture>) => void,
    ) => {
      const f = rewardFixture();
      setup?.(f);
      const root = f.state.root();
      const code = codeOf(() => applySettlement(f.state, change(f.settlement), f.end));
      expect(f.state.root()).toBe(root);
      return code;
    };
    const NOT = ErrorCode.InferenceNotSettleable;
    expect(
      refused(
        (s) => s,
        (f) => applySettlement(f.state, f.settlement, f.end),
      ),
    ).toBe(NOT);
    expect(refused((s) => ({ ...s, inferences: [1, 2] }))).toBe(NOT);
    expect(refused((s) => ({ ...s, inferences: [1, 5] }))).toBe(NOT);
    expect(refused((s) => ({ ...s, inferences: [3, 1] }))).toBe(ErrorCode.InvalidTransaction);
    const endingAt = (inferences: number, hashed: boolean) => (f: ReturnType<typeof rewardFixture>) => {
      const counters = { ...f.end.counters, inferences };
      const roots = hashed ? { ...f.end.roots, counters: countersHash(counters) } : f.end.roots;
      Object.assign(f, { end: { roots, counters } });
    };
    expect(refused((s) => ({ ...s, inferences: [1, 4] }), endingAt(3, true))).toBe(NOT);
    expect(refused((s) => s, endingAt(3, false))).toBe(ErrorCode.InvalidTransaction);
    expect(
      refused((s) => ({
        ...s,
        scores: [
          [1n, 2n],
          [0n, 0n],
        ],
      })),
    ).toBe(ErrorCode.InvalidTransaction);
    expect(
      refused((s) => ({
        ...s,
        scores: [
          [1n << 64n, 0n, 0n],
          [0n, 0n, 0n],
        ],
      })),
    ).toBe(ErrorCode.InvalidTransaction);
    expect(
      refused((s) => ({
        ...s,
        scores: [
          [-1n, 0n, 0n],
          [0n, 0n, 0n],
        ],
      })),
    ).toBe(ErrorCode.InvalidTransaction);
    expect(refused((s) => ({ ...s, proverAccount: 61 }))).toBe(ErrorCode.UnknownAccount);
    expect(refused((s) => ({ ...s, treasuryAccount: 60 }))).toBe(ErrorCode.UnknownAccount);
    expect(refused((s) => ({ ...s, model: 9 }))).toBe(ErrorCode.UnknownModel);
  });

  it("leaves a later record settleable by a later settlement", () => {
    const { state, end, settlement } = rewardFixture();
    applySettlement(state, settlement, end);
    const later = applySettlement(
      state,
      { ...settlement, epoch: 1, inferences: [4], scores: [[1n, 1n, 1n]] },
      end,
    );
    expect(later.paid).toBe(5n);
    expect(state.models.get(2)!.escrow).toBe(0n);
  });

  it("gives the same root in witness mode, and a circuit input padded to the lanes", () => {
    const lazy = rewardFixture();
    applySettlement(lazy.state, lazy.settlement, lazy.end);
    const eager = rewardFixture({ witness: true });
    const w = buildSettlementWitness(eager.state, eager.settlement, eager.end, {
      inferences: 2,
      contributions: 4,
    });
    expect(w.statement.postRoot).toBe(lazy.state.root());
    expect(w.input.contributionIds).toEqual(["1", "2", "3", "0"]);
    expect((w.input.accountFields as string[][]).map((f) => f[0] !== "0")).toEqual([
      true,
      true,
      true,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect((w.input.scores as string[][])[0]).toEqual(["5", "0", "3", "0"]);
    expect(w.statement.scoresCommitment).toBe(
      scoresCommitment(eager.settlement, { inferences: 2, contributions: 4 }),
    );
    const other = rewardFixture({ witness: true });
    const changed = {
      ...other.settlement,
      scores: [
        [5n, 1n, 3n],
        [0n, 0n, 0n],
      ],
    };
    expect(
      buildSettlementWitness(other.state, changed, other.end, { inferences: 2, contributions: 4 })
        .publicInput,
    ).not.toBe(w.publicInput);
  });

  it("refuses a settlement larger than the circuit's lanes", () => {
    const { state, end, settlement } = rewardFixture({ witness: true });
    expect(
      codeOf(() => buildSettlementWitness(state, settlement, end, { inferences: 1, contributions: 4 })),
    ).toBe(ErrorCode.UnsupportedByLayout);
    expect(
      codeOf(() => buildSettlementWitness(state, settlement, end, { inferences: 2, contributions: 2 })),
    ).toBe(ErrorCode.UnsupportedByLayout);
  });
});

describe("settlement data (docs/protocol.md §11.5)", () => {
  it("round-trips, and refuses a wrong version or length", () => {
    const { settlement } = rewardFixture();
    const bytes = encodeSettlementData(settlement);
    expect(bytes.length).toBe(17 + 4 * 2 + 8 * 2 * 3);
    const { treasuryAccount: _, ...published } = settlement;
    expect(decodeSettlementData(bytes)).toEqual(published);
    expect(codeOf(() => decodeSettlementData(bytes.slice(0, -1)))).toBe(ErrorCode.InvalidEncoding);
    expect(codeOf(() => decodeSettlementData(Uint8Array.of(2, ...bytes.slice(1))))).toBe(
      ErrorCode.InvalidEncoding,
    );
    expect(codeOf(() => encodeSettlementData({ ...settlement, scores: [[1n], [1n, 2n]] }))).toBe(
      ErrorCode.InvalidEncoding,
    );
  });
});

describe("settlement signature (docs/protocol.md §11.6)", () => {
  it("verifies under the prover's key and domain only, and covers every score", () => {
    const sk = Uint8Array.from({ length: 32 }, (_, i) => i + 7);
    const other = Uint8Array.from({ length: 32 }, (_, i) => i + 8);
    const { treasuryAccount: _, ...data } = rewardFixture().settlement;
    const signed = signSettlement(data, sk, DEV_DOMAIN);
    expect(verifySettlement(signed, derivePublicKey(sk), DEV_DOMAIN)).toBe(true);
    expect(verifySettlement(signed, derivePublicKey(other), DEV_DOMAIN)).toBe(false);
    expect(verifySettlement(signed, derivePublicKey(sk), { ...DEV_DOMAIN, chainId: 1n })).toBe(false);
    const changed = {
      ...signed,
      data: {
        ...data,
        scores: [
          [5n, 0n, 4n],
          [0n, 0n, 0n],
        ],
      },
    };
    expect(verifySettlement(changed, derivePublicKey(sk), DEV_DOMAIN)).toBe(false);
  });
});
