/**
 * The reward circuit's divisions at the constraint level. The witness generator computes the
 * quotient and remainder hints honestly, so here an honest witness of `BpsShare` and of
 * `ProportionalShare` is rebuilt from a model of its wires, the hints (with the bits of their
 * range checks) are replaced by what a cheating prover would pick, and the result is checked
 * against the R1CS: an off-by-one quotient, a remainder equal to the divisor, a quotient that
 * meets the identity only mod p (beyond 96 bits), a quotient with divisor 1 and weight 0.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { bn254_Fr as Fp } from "@noble/curves/bn254.js";
import { FIELD_MODULUS as P } from "../../../protocol/field.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { type R1cs, readR1cs, violatedConstraints } from "../../tools/r1cs-constraints.ts";
import { readSymbols } from "../../tools/symbols.ts";
import { calculateWitness, firstFailure } from "../../tools/witness.ts";
import { refusalAt } from "../batch/fixtures.ts";

const mod = (x: bigint) => ((x % P) + P) % P;
const U96_MAX = (1n << 96n) - 1n;
const U64_MAX = (1n << 64n) - 1n;
/** Bits given for a range check's outputs: as many as any width (only kept wires are read). */
const RANGE_BITS = 254;

interface Compiled {
  circuit: CompiledCircuit;
  r1cs: R1cs;
  wires: Map<string, number>;
}
async function load(name: string): Promise<Compiled> {
  const circuit = await compileCircuit(name, { log: () => {} });
  return { circuit, r1cs: await readR1cs(circuit.r1cs), wires: await readSymbols(circuit.sym) };
}

/** A division's wires: its plain signals, and each range check's input (its bits follow). */
function signalsOf(plain: Record<string, bigint>, ranges: Record<string, bigint>): Map<string, bigint> {
  const s = new Map<string, bigint>();
  for (const [name, x] of Object.entries(plain)) s.set(`main.${name}`, x);
  for (const [name, x] of Object.entries(ranges)) {
    s.set(`main.${name}.in`, x);
    for (let k = 0; k < RANGE_BITS; k++) s.set(`main.${name}.out[${k}]`, (mod(x) >> BigInt(k)) & 1n);
  }
  return s;
}

/** The honest witness with every kept wire set from `values`; fails on a kept signal they do not describe. */
function witnessOf(c: Compiled, honest: readonly bigint[], values: Map<string, bigint>): bigint[] {
  const w = [...honest];
  for (const [name, wire] of c.wires) {
    const x = values.get(name);
    if (x === undefined) throw new Error(`no value for ${name}`);
    w[wire] = mod(x);
  }
  return w;
}

/** The quotient a cheat solves for once it picks remainder `rem`: the identity holds mod p. */
const fieldQuotient = (product: bigint, rem: bigint, divisor: bigint) => Fp.div(mod(product - rem), divisor);

describe("BpsShare: amount · bps = out · 10000 + rem", () => {
  let c: Compiled;
  beforeAll(async () => {
    c = await load("reward_bps_share");
  }, 120_000);

  const model = (amount: bigint, bps: bigint, out: bigint, rem: bigint) =>
    signalsOf(
      { amount, bps, out, rem, product: amount * bps },
      { outBits: out, remBits: rem, remBelow: 9999n - rem },
    );
  async function honest(amount: bigint, bps: bigint) {
    const witness = await calculateWitness(c.circuit, { amount, bps });
    const product = amount * bps;
    return { witness, product, out: product / 10000n, rem: product % 10000n };
  }
  const refused = (w: bigint[]) => expect(violatedConstraints(c.r1cs, w)).not.toEqual([]);
  // Inexact, exact (rem 0), the largest amount at the largest share.
  const cases: [bigint, bigint][] = [
    [12345n, 500n],
    [20000n, 500n],
    [U96_MAX, 10000n],
    [7n, 1n],
  ];

  it("outputs floor(amount · bps / 10000); the model of its wires rebuilds the witness exactly", async () => {
    for (const [amount, bps] of cases) {
      const h = await honest(amount, bps);
      expect(h.witness[1]).toBe((amount * bps) / 10000n);
      expect(witnessOf(c, h.witness, model(amount, bps, h.out, h.rem))).toEqual(h.witness);
    }
  });

  it("refuses a quotient off by one, with the remainder that keeps the identity or without", async () => {
    for (const [amount, bps] of cases) {
      const h = await honest(amount, bps);
      for (const d of [1n, -1n]) {
        refused(witnessOf(c, h.witness, model(amount, bps, h.out + d, h.rem - d * 10000n)));
        refused(witnessOf(c, h.witness, model(amount, bps, h.out + d, h.rem)));
      }
    }
  });

  it("refuses a remainder equal to the divisor (exact division, quotient one less)", async () => {
    const h = await honest(20000n, 500n);
    expect(h.rem).toBe(0n);
    refused(witnessOf(c, h.witness, model(20000n, 500n, h.out - 1n, 10000n)));
  });

  it("refuses a quotient meeting the identity only mod p (past 96 bits)", async () => {
    for (const [amount, bps] of cases) {
      const h = await honest(amount, bps);
      const rem = (h.rem + 1n) % 10000n;
      const out = fieldQuotient(h.product, rem, 10000n);
      expect(out >= 1n << 96n).toBe(true);
      refused(witnessOf(c, h.witness, model(amount, bps, out, rem)));
    }
  });

  it("refuses a share of 2^96 or more (the witness generator stops at the quotient's range check)", async () => {
    expect(await firstFailure(c.circuit, { amount: 1n << 96n, bps: 10000n })).toMatch(
      refusalAt("BpsShare", "rewards/bps_share.circom", "outBits.in <== out"),
    );
  });
});

describe("ProportionalShare(96, 66): amount · weight = out · divisor + rem", () => {
  let c: Compiled;
  beforeAll(async () => {
    c = await load("reward_proportional_share_96_66");
  }, 120_000);

  interface Case {
    amount: bigint;
    weight: bigint;
    divisor: bigint;
  }
  const model = ({ amount, weight, divisor }: Case, out: bigint, rem: bigint) =>
    signalsOf(
      { amount, weight, divisor, out, rem, product: amount * weight },
      { outBits: out, remBits: rem, remBelow: divisor - 1n - rem },
    );
  async function honest(k: Case) {
    const witness = await calculateWitness(c.circuit, { ...k });
    const product = k.amount * k.weight;
    return { witness, product, out: product / k.divisor, rem: product % k.divisor };
  }
  const refused = (w: bigint[]) => expect(violatedConstraints(c.r1cs, w)).not.toEqual([]);
  const cases: Case[] = [
    { amount: 6791n, weight: 2n, divisor: 7n },
    { amount: 700n, weight: 4n, divisor: 7n },
    { amount: U96_MAX, weight: U64_MAX, divisor: 3n * U64_MAX },
    { amount: U96_MAX, weight: 1n, divisor: (1n << 66n) - 1n },
  ];

  it("outputs floor(amount · weight / divisor) and the remainder; the model rebuilds the witness exactly", async () => {
    for (const k of [...cases, { amount: 6791n, weight: 0n, divisor: 1n }]) {
      const h = await honest(k);
      expect([h.witness[1], h.witness[2]]).toEqual([h.out, h.rem]);
      expect(witnessOf(c, h.witness, model(k, h.out, h.rem))).toEqual(h.witness);
    }
  });

  it("refuses a quotient off by one, with the remainder that keeps the identity or without", async () => {
    for (const k of cases) {
      const h = await honest(k);
      for (const d of [1n, -1n]) {
        refused(witnessOf(c, h.witness, model(k, h.out + d, h.rem - d * k.divisor)));
        refused(witnessOf(c, h.witness, model(k, h.out + d, h.rem)));
      }
    }
  });

  it("refuses a remainder equal to the divisor (exact division, quotient one less)", async () => {
    const k = cases[1]!;
    const h = await honest(k);
    expect(h.rem).toBe(0n);
    refused(witnessOf(c, h.witness, model(k, h.out - 1n, k.divisor)));
  });

  it("refuses a quotient meeting the identity only mod p (past 96 bits)", async () => {
    for (const k of cases) {
      const h = await honest(k);
      const rem = (h.rem + 1n) % k.divisor;
      const out = fieldQuotient(h.product, rem, k.divisor);
      expect(out >= 1n << 96n).toBe(true);
      refused(witnessOf(c, h.witness, model(k, out, rem)));
    }
  });

  it("with divisor 1 and weight 0 (a pair of an inference scored 0), refuses any quotient but 0 and any remainder but 0", async () => {
    const k = { amount: 6791n, weight: 0n, divisor: 1n };
    const h = await honest(k);
    expect(violatedConstraints(c.r1cs, witnessOf(c, h.witness, model(k, 0n, 0n)))).toEqual([]);
    for (const out of [1n, 5n, U96_MAX]) {
      refused(witnessOf(c, h.witness, model(k, out, 0n)));
      refused(witnessOf(c, h.witness, model(k, out, -out)));
    }
    refused(witnessOf(c, h.witness, model(k, 0n, 1n)));
  });

  it("refuses a quotient of 2^96 or more (the witness generator stops at its range check)", async () => {
    expect(await firstFailure(c.circuit, { amount: U96_MAX, weight: 2n, divisor: 1n })).toMatch(
      refusalAt("ProportionalShare", "rewards/proportional_share.circom", "outBits.in <== out"),
    );
  });
});
