/**
 * The circuit templates are twins of protocol/: fed the shared vectors of
 * protocol/vectors/twins.json they must output the same values, and refuse what the
 * TypeScript refuses (a wrong path, a wrong signature, an out-of-range balance).
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../../protocol/eddsa.ts";
import { verifyProof } from "../../protocol/smt.ts";
import type { TwinVectors } from "../../protocol/vectors/twins.ts";
import { type CompiledCircuit, compileCircuit } from "../tools/artifacts.ts";
import { type CircuitInput, calculateWitness, circuitOutputs } from "../tools/witness.ts";

/** The vectors as JSON holds them: every bigint a decimal string. */
type Stringified<T> = T extends bigint
  ? string
  : T extends readonly (infer U)[]
    ? Stringified<U>[]
    : T extends object
      ? { [K in keyof T]: Stringified<T[K]> }
      : T;
const vectors = JSON.parse(
  readFileSync(new URL("../../protocol/vectors/twins.json", import.meta.url), "utf8"),
) as Stringified<TwinVectors>;
const big = (x: string) => BigInt(x);

const circuits: Record<string, CompiledCircuit> = {};
const names = [
  "poseidon2",
  "merkle_inclusion_8x2",
  "merkle_update_8x2",
  "eddsa_poseidon",
  "tx_hash",
  "account_leaf",
];

beforeAll(async () => {
  for (const name of names) circuits[name] = await compileCircuit(name, { log: () => {} });
});

async function refuses(name: string, input: CircuitInput): Promise<void> {
  await expect(calculateWitness(circuits[name]!, input)).rejects.toThrow(/Assert Failed|Error/);
}

describe("circuit twins of the protocol", () => {
  it("Poseidon(2)", async () => {
    for (const v of vectors.poseidon2) {
      expect(await circuitOutputs(circuits.poseidon2!, { inputs: v.inputs }, 1)).toEqual([big(v.out)]);
    }
  });

  it("Merkle inclusion: accepts the TypeScript proofs, refuses altered ones as the TypeScript does", async () => {
    const shape = vectors.merkle.shape;
    for (const v of vectors.merkle.inclusion) {
      await calculateWitness(circuits.merkle_inclusion_8x2!, v);
      const proof = {
        index: big(v.index),
        leaf: big(v.leaf),
        siblings: v.siblings.map((l: string[]) => l.map(big)),
      };
      expect(verifyProof(shape, big(v.root), proof)).toBe(true);

      const wrongLeaf = { ...v, leaf: (big(v.leaf) + 1n).toString() };
      await refuses("merkle_inclusion_8x2", wrongLeaf);
      expect(verifyProof(shape, big(v.root), { ...proof, leaf: proof.leaf + 1n })).toBe(false);

      // Moving a non-empty leaf to another slot changes the root (an empty one may not).
      if (big(v.leaf) !== 0n) {
        const moved = (big(v.index) + 1n) % 64n;
        await refuses("merkle_inclusion_8x2", { ...v, index: moved.toString() });
        expect(verifyProof(shape, big(v.root), { ...proof, index: moved })).toBe(false);
      }

      const siblings = v.siblings.map((l: string[]) => [...l]);
      siblings[1]![1] = (big(siblings[1]![1]!) + 1n).toString();
      await refuses("merkle_inclusion_8x2", { ...v, siblings });
      expect(
        verifyProof(shape, big(v.root), { ...proof, siblings: siblings.map((l: string[]) => l.map(big)) }),
      ).toBe(false);
    }
    // An index past the tree's capacity has no digits: refused, as the TypeScript refuses it.
    const v = vectors.merkle.inclusion[0];
    await refuses("merkle_inclusion_8x2", { ...v, index: "64" });
  });

  it("Merkle update: old and new roots", async () => {
    for (const v of vectors.merkle.updates) {
      const { oldRoot, newRoot, ...input } = v;
      expect(await circuitOutputs(circuits.merkle_update_8x2!, input, 2)).toEqual([
        big(oldRoot),
        big(newRoot),
      ]);
    }
  });

  it("EdDSA-Poseidon: accepts the TypeScript signatures, refuses tampered ones", async () => {
    for (const v of vectors.eddsa) {
      const input = { enabled: 1, ...v };
      await calculateWitness(circuits.eddsa_poseidon!, input);
      const pub = { x: big(v.Ax), y: big(v.Ay) };
      const sig = { R8: { x: big(v.R8x), y: big(v.R8y) }, S: big(v.S) };
      expect(verifySignature(big(v.M), sig, pub)).toBe(true);

      await refuses("eddsa_poseidon", { ...input, M: (big(v.M) + 1n).toString() });
      expect(verifySignature(big(v.M) + 1n, sig, pub)).toBe(false);
      await refuses("eddsa_poseidon", { ...input, S: (big(v.S) + 1n).toString() });
      expect(verifySignature(big(v.M), { ...sig, S: sig.S + 1n }, pub)).toBe(false);
      const other = vectors.eddsa[(vectors.eddsa.indexOf(v) + 1) % vectors.eddsa.length]!;
      await refuses("eddsa_poseidon", { ...input, Ax: other.Ax, Ay: other.Ay });
      expect(verifySignature(big(v.M), sig, { x: big(other.Ax), y: big(other.Ay) })).toBe(false);
    }
  });

  it("transaction hash", async () => {
    for (const v of vectors.txHashes) {
      expect(
        await circuitOutputs(circuits.tx_hash!, { domainHash: v.domainHash, fields: v.fields }, 1),
      ).toEqual([big(v.hash)]);
    }
  });

  it("account leaf, with its range checks", async () => {
    for (const v of vectors.accounts) {
      const { leaf, ...input } = v;
      expect(await circuitOutputs(circuits.account_leaf!, input, 1)).toEqual([big(leaf)]);
    }
    const { leaf: _, ...input } = vectors.accounts[0]!;
    await refuses("account_leaf", { ...input, balance: (1n << 96n).toString() });
    await refuses("account_leaf", { ...input, nonce: (1n << 32n).toString() });
  });
});
