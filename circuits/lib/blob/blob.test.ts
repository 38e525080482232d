/**
 * The blob evaluation circuit is the twin of protocol/blob: fed a batch's data bits and the
 * blob's versioned hash it outputs the z and y that L1's point-evaluation precompile checks.
 * Its Horner step is sound: witnesses altered so the step's result is wrong, or so a limb or
 * a carry leaves its range, violate the R1CS.
 */
import { randomBytes } from "node:crypto";
import { bn254_Fr as Fp } from "@noble/curves/bn254.js";
import { beforeAll, describe, expect, it } from "vitest";
import { FIELD_MODULUS as P } from "../../../protocol/field.ts";
import { blobChallenge, blobDataHash, evaluateCoefficients } from "../../../protocol/blob/challenge.ts";
import { dataElements } from "../../../protocol/blob/encoding.ts";
import { BLS_MODULUS as R } from "../../../protocol/blob/fr.ts";
import { batchBlob } from "../../../protocol/blob/kzg.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { type R1cs, readR1cs, violatedConstraints } from "../../tools/r1cs-constraints.ts";
import { readSymbols } from "../../tools/symbols.ts";
import { calculateWitness, circuitOutputs } from "../../tools/witness.ts";

const LIMB = 1n << 64n;
const CARRY_OFFSET = 1n << 69n;
const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;
const limbs = (x: bigint) => [0, 1, 2, 3].map((i) => (x >> (64n * BigInt(i))) & (LIMB - 1n));
const join = (l: readonly bigint[]) => l.reduce((acc, x, i) => acc + (x << (64n * BigInt(i))), 0n);
/** The low n bits of x (of its field representative if negative), least significant first. */
const bitsLE = (x: bigint, n: number) =>
  Array.from({ length: n }, (_, k) => ((x < 0n ? mod(x, P) : x) >> BigInt(k)) & 1n);
const bitsBE = (x: bigint, n: number) => bitsLE(x, n).reverse();

const circuits: Record<string, CompiledCircuit> = {};
beforeAll(async () => {
  for (const name of ["mul_add_mod_r", "blob_eval_1", "blob_eval_6", "blob_eval_17"]) {
    circuits[name] = await compileCircuit(name, { log: () => {} });
  }
}, 120_000);

describe("BlobEvaluation: the twin of protocol/blob", () => {
  async function check(name: string, elements: readonly bigint[], versionedHash: Uint8Array) {
    const input = {
      elementBits: elements.map((e) => bitsBE(e, 248)),
      versionedHashBits: [...versionedHash].flatMap((byte) => bitsBE(BigInt(byte), 8)),
    };
    const out = await circuitOutputs(circuits[name]!, input, 512);
    const z = blobChallenge(versionedHash, blobDataHash(elements));
    expect(out.slice(0, 256)).toEqual(bitsBE(z, 256));
    expect(out.slice(256)).toEqual(bitsBE(evaluateCoefficients(elements, z), 256));
    return z;
  }
  const cases: [string, number][] = [
    ["blob_eval_1", 1],
    ["blob_eval_6", 6],
    ["blob_eval_17", 17],
  ];

  it.each(cases)("%s: random data, a short last element, any versioned hash", async (name, n) => {
    for (const length of [31 * n, 31 * n - 30]) {
      const elements = dataElements(randomBytes(length));
      expect(elements).toHaveLength(n);
      await check(name, elements, randomBytes(32));
    }
  });

  it.each(cases)(
    "%s: all-0xff data (elements 2^248 - 1), versioned hash with high bits set",
    async (name, n) => {
      const elements = dataElements(new Uint8Array(31 * n).fill(0xff));
      await check(name, elements, new Uint8Array(32).fill(0xff));
      const vh = randomBytes(32);
      vh[0]! |= 0x80;
      vh[16]! |= 0x80;
      await check(name, elements, vh);
    },
  );

  it("outputs the z and y of the blob L1 sees (batchBlob, KZG over the ceremony setup)", async () => {
    const data = randomBytes(31 * 6 - 7);
    const b = batchBlob(data);
    expect(await check("blob_eval_6", dataElements(data), b.versionedHash)).toBe(b.z);
    expect(evaluateCoefficients(dataElements(data), b.z)).toBe(b.y);
  });
});

/** What the step's signals hold for a given choice of q, out and carries (honest or not). */
interface StepValues {
  acc: bigint[];
  z: bigint[];
  e: bigint[];
  q: bigint[];
  out: bigint[];
  carry: bigint[];
}

describe("MulAddModR: one Horner step, acc·z + e mod r", () => {
  let r1cs: R1cs;
  let wires: Map<string, number>;
  beforeAll(async () => {
    r1cs = await readR1cs(circuits.mul_add_mod_r!.r1cs);
    wires = await readSymbols(circuits.mul_add_mod_r!.sym);
  });

  const R_LIMBS = limbs(R);
  /** Field-exact carries for the limbs: honest ones are small integers, others what a cheat can best solve for. */
  function carries(v: Omit<StepValues, "carry">): bigint[] {
    const d = Array.from({ length: 7 }, () => 0n);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) d[i + j]! += v.acc[i]! * v.z[j]! - v.q[i]! * R_LIMBS[j]!;
      d[i]! += v.e[i]! - v.out[i]!;
    }
    const D = [d[0]! + d[1]! * LIMB, d[2]! + d[3]! * LIMB, d[4]! + d[5]! * LIMB];
    const inv = Fp.inv(1n << 128n);
    const carry: bigint[] = [];
    let prev = 0n;
    for (const Dm of D) {
      const exact = (Dm + prev) % (1n << 128n) === 0n;
      prev = exact ? (Dm + prev) / (1n << 128n) : mod((Dm + prev) * inv, P);
      carry.push(prev);
    }
    return carry;
  }

  /** Bits given for a range check's outputs: as many as any width it could have (only kept wires are read). */
  const RANGE_BITS = 254;
  function signals(v: StepValues): Map<string, bigint> {
    const s = new Map<string, bigint>();
    const set = (name: string, values: readonly bigint[]) =>
      values.forEach((x, i) => s.set(`main.${name}[${i}]`, x));
    set("acc", v.acc);
    set("z", v.z);
    set("e", v.e);
    set("q", v.q);
    set("out", v.out);
    set("carry", v.carry);
    set(
      "outBits",
      v.out.flatMap((x) => bitsLE(x, 64)),
    );
    for (let i = 0; i < 4; i++) {
      for (const [range, x] of [
        ["qRange", v.q[i]!],
        ["outRange", v.out[i]!],
      ] as const) {
        s.set(`main.${range}[${i}].in`, x);
        set(`${range}[${i}].out`, bitsLE(x, RANGE_BITS));
      }
      for (let j = 0; j < 4; j++) s.set(`main.prod[${i}][${j}]`, v.acc[i]! * v.z[j]!);
    }
    v.carry.forEach((c, m) => {
      s.set(`main.carryRange[${m}].in`, c + CARRY_OFFSET);
      set(`carryRange[${m}].out`, bitsLE(c + CARRY_OFFSET, RANGE_BITS));
    });
    return s;
  }

  /** The honest witness with every kept wire set from `v`; fails on a kept signal `v` does not describe. */
  function witnessOf(honest: readonly bigint[], v: StepValues): bigint[] {
    const values = signals(v);
    const w = [...honest];
    for (const [name, wire] of wires) {
      const x = values.get(name);
      if (x === undefined) throw new Error(`no value for ${name}`);
      w[wire] = mod(x, P);
    }
    return w;
  }

  async function honest(acc: bigint, z: bigint, e: bigint) {
    const input = { acc: limbs(acc), z: limbs(z), e: limbs(e) };
    const witness = await calculateWitness(circuits.mul_add_mod_r!, input);
    const total = acc * z + e;
    const v = { ...input, q: limbs(total / R), out: limbs(total % R) };
    return { witness, values: { ...v, carry: carries(v) } };
  }

  const cases = (): [bigint, bigint, bigint][] => [
    [R - 1n, P - 1n, (1n << 248n) - 1n],
    [(1n << 256n) - 1n, P - 1n, (1n << 248n) - 1n],
    [
      mod(BigInt(`0x${randomBytes(32).toString("hex")}`), R),
      mod(BigInt(`0x${randomBytes(32).toString("hex")}`), P),
      0n,
    ],
    [12345n, 1n, 7n],
  ];

  it("outputs (acc·z + e) mod r; the model of its wires rebuilds the witness exactly", async () => {
    for (const [acc, z, e] of cases()) {
      const { witness, values } = await honest(acc, z, e);
      expect(join(witness.slice(1, 5))).toBe((acc * z + e) % R);
      expect(violatedConstraints(r1cs, witness)).toEqual([]);
      expect(witnessOf(witness, values)).toEqual(witness);
    }
  });

  it("accepts a non-canonical result out + r (q - 1) when it fits 256 bits: only the last step's out is public, and L1's y is canonical", async () => {
    const { witness, values } = await honest(R - 1n, 2n, 3n);
    const v = { ...values, q: limbs(join(values.q) - 1n), out: limbs(join(values.out) + R) };
    expect(violatedConstraints(r1cs, witnessOf(witness, { ...v, carry: carries(v) }))).toEqual([]);
  });

  it("refuses an off-by-one result (the identity)", async () => {
    for (const [acc, z, e] of cases()) {
      const { witness, values } = await honest(acc, z, e);
      for (const delta of [1n, -1n, R]) {
        const out = join(values.out) + delta;
        if (out < 0n || out >= 1n << 256n) continue;
        // With the carries that fit the identity mod p, and with the honest (in-range) ones.
        const v = { ...values, out: limbs(out) };
        expect(violatedConstraints(r1cs, witnessOf(witness, { ...v, carry: carries(v) }))).not.toEqual([]);
        expect(violatedConstraints(r1cs, witnessOf(witness, v))).not.toEqual([]);
      }
    }
  });

  it.each(["out", "q"] as const)(
    "refuses limbs of %s beyond 64 bits, even when the integer identity holds (its range check)",
    async (key) => {
      let tried = 0;
      for (const [acc, z, e] of cases()) {
        const { witness, values } = await honest(acc, z, e);
        // The same integer with 2^64 moved from limb 1 to limb 0.
        const l = values[key];
        if (l[1] === 0n) continue;
        const v = { ...values, [key]: [l[0]! + LIMB, l[1]! - 1n, l[2]!, l[3]!] };
        expect(violatedConstraints(r1cs, witnessOf(witness, { ...v, carry: carries(v) }))).not.toEqual([]);
        tried++;
      }
      expect(tried).toBeGreaterThan(1);
    },
  );

  it("refuses a q that fits the identity only mod p (the carries' range checks)", async () => {
    const rInv = Fp.inv(R % P);
    for (const [acc, z, e] of cases()) {
      const { witness, values } = await honest(acc, z, e);
      // out - 1 and q' = q + r^-1 (mod p): q' fits 256 bits and acc·z + e - q'·r - out' = 0 mod p
      // but not over the integers, so the carries that satisfy the limb equations are not small.
      const out = join(values.out) - 1n;
      if (out < 0n) continue;
      const v = { ...values, out: limbs(out), q: limbs(mod(join(values.q) + rInv, P)) };
      const cheat = { ...v, carry: carries(v) };
      expect(cheat.carry.some((c) => c + CARRY_OFFSET >= 1n << 70n)).toBe(true);
      expect(violatedConstraints(r1cs, witnessOf(witness, cheat))).not.toEqual([]);
    }
  });
});
