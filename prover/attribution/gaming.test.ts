import { describe, expect, it } from "vitest";
import { createRng } from "../datasets/random.ts";
import { attribute, METHODS } from "./engine.ts";
import { creditData } from "../../protocol/rewards/split.ts";
import { duplicateMask } from "./row-hash.ts";
import { irisFixture, testInput } from "./test-fixtures.ts";
import type { AttributionResult, TrainingRows } from "./types.ts";

const { model, rows, test } = irisFixture();
const inferences = Array.from({ length: 6 }, (_, i) => ({ x: testInput(test, i) }));
const params = { permutations: 30 };

/** Rows with extra rows appended as a new contribution. */
function withExtraContribution(base: TrainingRows, sourceRows: number[], id: bigint): TrainingRows {
  const x = new Float64Array((base.y.length + sourceRows.length) * base.dim);
  x.set(base.x);
  sourceRows.forEach((r, k) =>
    x.set(base.x.subarray(r * base.dim, (r + 1) * base.dim), (base.y.length + k) * base.dim),
  );
  return {
    ...base,
    x,
    y: Int32Array.from([...base.y, ...sourceRows.map((r) => base.y[r]!)]),
    contribution: Uint32Array.from([
      ...base.contribution,
      ...sourceRows.map(() => base.contributions.length),
    ]),
    contributions: [...base.contributions, id],
  };
}

/** The rows of contribution `victim` moved to k new identities, row r going to pick(r). */
function split(base: TrainingRows, victim: number, k: number, pick: (row: number) => number): TrainingRows {
  const ids = Array.from({ length: k - 1 }, (_, j) => 1000n + BigInt(j));
  return {
    ...base,
    contribution: base.contribution.map((c, r) => {
      if (c !== victim) return c;
      const part = pick(r);
      return part === 0 ? victim : base.contributions.length + part - 1;
    }),
    contributions: [...base.contributions, ...ids],
  };
}

/** Reward of the contributions in `ids` over all inferences, pool 10^18 each. */
function reward(results: AttributionResult[], ids: Set<bigint>): bigint {
  let total = 0n;
  for (const result of results) {
    const { credits } = creditData(
      10n ** 18n,
      result.contributions.map((c) => c.payable),
    );
    result.contributions.forEach((c, j) => {
      if (ids.has(c.id)) total += credits[j]!;
    });
  }
  return total;
}

describe("gaming resistance", () => {
  it.each(METHODS)("%s: an exact duplicate of an earlier row earns nothing and changes nothing", (method) => {
    const copied = [3, 50, 90];
    const padded = withExtraContribution(rows, copied, 99n);
    for (const inference of inferences.slice(0, 3)) {
      const before = attribute(method, model.bytes, rows, inference, params);
      const after = attribute(method, model.bytes, padded, inference, params);
      const copy = after.contributions.at(-1)!;
      expect(copy).toEqual({ id: 99n, payable: 0n, negative: 0n, duplicates: copied.length });
      expect(Array.from(after.rows.subarray(rows.y.length))).toEqual([0n, 0n, 0n]);
      expect(after.rows.subarray(0, rows.y.length)).toEqual(before.rows);
      expect(after.contributions.slice(0, -1)).toEqual(before.contributions);
    }
  });

  it("a copy nudged below the 2^-16 grid, or with -0 for 0, is still a duplicate", () => {
    const padded = withExtraContribution(rows, [3, 4], 99n);
    const x = padded.x.slice();
    const base = rows.y.length * rows.dim;
    x[base] = x[base]! + 1e-7;
    x[base + rows.dim + 1] = x[base + rows.dim + 1] === 0 ? -0 : x[base + rows.dim + 1]! * (1 + 1e-9);
    expect(Array.from(duplicateMask({ ...padded, x }).subarray(rows.y.length))).toEqual([1, 1]);
    x[base] = x[base]! + 1e-3;
    expect(Array.from(duplicateMask({ ...padded, x }).subarray(rows.y.length))).toEqual([0, 1]);
  });

  it.each(METHODS)("%s: splitting a contribution across k identities gains at most 1%%", (method) => {
    const victim = 1;
    const whole = inferences.map((inf) => attribute(method, model.bytes, rows, inf, params));
    const original = reward(whole, new Set([rows.contributions[victim]!]));
    expect(original).toBeGreaterThan(0n);
    const rng = createRng("split");
    const attackerIds = (r: TrainingRows) =>
      new Set([rows.contributions[victim]!, ...r.contributions.slice(rows.contributions.length)]);
    // A random split, and an adversary who knows every row's score and puts the helpful rows
    // and the harmful rows under different identities.
    const signs = whole[0]!.rows;
    for (const [k, pick] of [
      [3, () => rng.int(3)],
      [2, (r: number) => (signs[r]! > 0n ? 0 : 1)],
      [8, (r: number) => r % 8],
    ] as const) {
      const parts = split(rows, victim, k, pick);
      const results = inferences.map((inf) => attribute(method, model.bytes, parts, inf, params));
      const gained = reward(results, attackerIds(parts));
      expect(Number(gained - original)).toBeLessThanOrEqual(Number(original) / 100);
    }
  });

  it("clipping per contribution instead of per row would pay for a sign-sorted split", () => {
    // Why aggregate.ts clips rows, not contributions: max(0, a + b) <= max(0, a) + max(0, b).
    const result = attribute("tracin", model.bytes, rows, inferences[0]!);
    const victim = 1;
    let net = 0n;
    let positive = 0n;
    result.rows.forEach((v, r) => {
      if (rows.contribution[r] !== victim) return;
      net += v;
      if (v > 0n) positive += v;
    });
    const clippedWhole = net > 0n ? net : 0n;
    expect(positive).toBeGreaterThan((clippedWhole * 101n) / 100n);
    expect(result.contributions[victim]!.payable).toBe(positive);
  });
});
