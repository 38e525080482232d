import { describe, expect, it } from "vitest";
import { lanePayable, rowScore } from "../../protocol/rewards/row-scores.ts";
import { attribute } from "./engine.ts";
import { modelContext, inferenceFeatures } from "./context.ts";
import { factorOrThrow, fitHead, refitWithout } from "./head-fit.ts";
import { gradient, hessian, rowLoss } from "./head.ts";
import { influenceScores } from "./influence.ts";
import { looScores } from "./loo.ts";
import { irisFixture, testInput } from "./test-fixtures.ts";
import { contributionFactors, integerFactors, testFactors, tracinScores } from "./tracin.ts";

const { model, rows, test } = irisFixture();
const ctx = modelContext(model.bytes, rows);

describe("TracIn on the head, factored per row", () => {
  it("a contribution's score is the finite-difference derivative of the test loss along its rows' gradients", () => {
    const factors = contributionFactors(ctx);
    const { classes, dim } = ctx.data;
    for (let i = 0; i < 5; i++) {
      const { f, label } = inferenceFeatures(ctx, { x: testInput(test, i), label: test.y[i]! });
      const perRow = tracinScores(ctx, testFactors(ctx, f, label));
      factors.forEach((rowsOfC, c) => {
        // G_c = sum of r_i ⊗ x_i over the contribution's rows, back on the real scale.
        const direction = new Float64Array(classes * (dim + 1));
        for (const { r, x } of rowsOfC) {
          for (let a = 0; a < classes; a++) {
            for (let j = 0; j <= dim; j++)
              direction[a * (dim + 1) + j]! += (Number(r[a]!) * Number(x[j]!)) / 2 ** 32;
          }
        }
        const eps = 1e-6;
        const loss = (s: number) =>
          rowLoss(
            ctx.theta.map((v, k) => v + s * direction[k]!),
            f,
            label,
            classes,
          );
        const fd = (loss(eps) - loss(-eps)) / (2 * eps);
        let score = 0;
        ctx.active.forEach((row, r) => {
          if (rows.contribution[row] === c) score += perRow[r]!;
        });
        // Quantizing the factors to 2^-16 and flooring each row to 2^-32 are the only differences.
        expect(Math.abs(score - fd)).toBeLessThan(1e-3 * (1 + Math.abs(fd)));
      });
    }
  });

  it("the engine's row scores and payable sums are the protocol twin's (what the reward circuit proves)", () => {
    const factors = contributionFactors(ctx);
    for (let i = 0; i < 5; i++) {
      const inference = { x: testInput(test, i) };
      const { f, label } = inferenceFeatures(ctx, inference);
      const t = integerFactors(testFactors(ctx, f, label));
      const result = attribute("tracin", model.bytes, rows, inference);
      const twin = factors.flatMap((rowsOfC) => rowsOfC.map((row) => rowScore(t, row)));
      const engine = Array.from(ctx.active, (row) => result.rows[row]!);
      // Rows in the same order on both sides: by contribution, then registration order.
      const byContribution = Array.from(ctx.active.keys()).sort(
        (a, b) => rows.contribution[ctx.active[a]!]! - rows.contribution[ctx.active[b]!]! || a - b,
      );
      expect(byContribution.map((k) => engine[k]!)).toEqual(twin);
      expect(twin.some((v) => v < 0n) && twin.some((v) => v > 0n)).toBe(true);
      expect(result.contributions.map((c) => c.payable)).toEqual(
        factors.map((rowsOfC) => lanePayable(t, rowsOfC)),
      );
    }
  });
});

describe("influence functions on the head", () => {
  it("match exact leave-one-out retraining of the head", () => {
    for (let i = 0; i < 3; i++) {
      const { f, label } = inferenceFeatures(ctx, { x: testInput(test, i), label: test.y[i]! });
      const infl = influenceScores(ctx, f, label, 0);
      const loo = looScores(ctx, { f, labels: Int32Array.of(label) });
      expect(correlation(infl, loo)).toBeGreaterThan(0.95);
      // First order in 1/n: at n = 110 the linearisation misses a fifth or so of each effect.
      expect(norm(infl.map((v, r) => v - loo[r]!))).toBeLessThan(0.3 * norm(loo));
    }
  });
});

describe("leave-one-out", () => {
  it("retrains the head to the exact optimum without the row", () => {
    const optimum = fitHead(ctx.data, ctx.theta, { l2: ctx.l2 });
    const factor = factorOrThrow(hessian(optimum, ctx.data, ctx.l2), optimum.length);
    for (const i of [0, 17, 63]) {
      const keep = new Uint8Array(ctx.data.y.length).fill(1);
      keep[i] = 0;
      const without = refitWithout(ctx.data, optimum, factor, keep, ctx.l2);
      expect(Math.max(...gradient(without, ctx.data, ctx.l2, keep).map(Math.abs))).toBeLessThan(1e-12);
      expect(Math.max(...gradient(optimum, ctx.data, ctx.l2, keep).map(Math.abs))).toBeGreaterThan(1e-7);
    }
  });
});

function norm(v: Float64Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function correlation(a: Float64Array, b: Float64Array): number {
  const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
