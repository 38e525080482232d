/**
 * `BatchCommitment` alone against protocol/batch/layout.ts's `batchCommitment`: the 128-bit
 * halves of the versioned hash and of y, and the clearing of the top three bits, agree with
 * what commitBatch records (docs/protocol.md section 8.1).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type BatchClaims, batchCommitment } from "../../../protocol/batch/layout.ts";
import { FIELD_MODULUS } from "../../../protocol/field.ts";
import { poseidon } from "../../../protocol/poseidon.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { circuitOutputs } from "../../tools/witness.ts";

/** BLS12-381's scalar field: y is below it, above BN254's p. */
const BLS_R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const HALF = 1n << 128n;

let circuit: CompiledCircuit;

beforeAll(async () => {
  circuit = await compileCircuit("batch_commitment", { log: () => {} });
}, 600_000);

/** Deterministic words; `k` varies them. */
function claimsOf(k: bigint): BatchClaims {
  const w = (i: bigint) => poseidon([k, i]);
  return {
    preStateRoot: w(1n),
    postStateRoot: w(2n),
    queueStart: w(3n),
    queueEnd: w(4n),
    withdrawalsRoot: w(5n),
  };
}

function inputOf(c: BatchClaims, vh: bigint, z: bigint, y: bigint) {
  return {
    claimed: [c.preStateRoot, c.postStateRoot, c.queueStart, c.queueEnd, c.withdrawalsRoot].map(String),
    versionedHash: [vh / HALF, vh % HALF].map(String),
    z: z.toString(),
    y: [y / HALF, y % HALF].map(String),
  };
}

const fromBitsBE = (bits: bigint[]) => bits.reduce((acc, b) => (acc << 1n) | b, 0n);

describe("BatchCommitment, twin of batchCommitment", () => {
  it("equals the TypeScript's with the versioned hash and y above p, with and without a top bit to clear", async () => {
    // The largest values each word may take: vh of 256 bits, z just below p, y just below r.
    const vh = (1n << 256n) - 3n;
    const z = FIELD_MODULUS - 1n;
    const y = BLS_R - 1n;
    const ks = Array.from({ length: 16 }, (_, i) => BigInt(i + 1));
    const cleared = (k: bigint) => fullPoseidon(claimsOf(k), vh - k, z - k, y - k) >= 1n << 253n;
    // One commitment whose bit 253 is cleared, one whose is already clear.
    for (const k of [ks.find(cleared)!, ks.find((k) => !cleared(k))!]) {
      const c = claimsOf(k);
      const expected = batchCommitment(c, { versionedHash: bytes32(vh - k), z: z - k, y: y - k });
      const bits = await circuitOutputs(circuit, inputOf(c, vh - k, z - k, y - k), 256);
      expect(bits.slice(0, 3)).toEqual([0n, 0n, 0n]);
      expect(fromBitsBE(bits)).toBe(expected);
    }
  });

  it("changes with each word and each half", async () => {
    const c = claimsOf(3n);
    const honest = inputOf(c, 5n * HALF + 6n, 7n, 8n * HALF + 9n);
    const out = await circuitOutputs(circuit, honest, 256);
    const variants = [
      { ...honest, claimed: honest.claimed.map((w, i) => (i === 4 ? (BigInt(w) + 1n).toString() : w)) },
      { ...honest, versionedHash: ["5", "7"] },
      { ...honest, versionedHash: ["6", "6"] },
      { ...honest, z: "8" },
      { ...honest, y: ["8", "10"] },
      { ...honest, y: ["9", "9"] },
    ];
    for (const v of variants) expect(await circuitOutputs(circuit, v, 256)).not.toEqual(out);
  });
});

function bytes32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, "0"), "hex"));
}

/** The commitment before its top three bits are cleared. */
function fullPoseidon(c: BatchClaims, vh: bigint, z: bigint, y: bigint): bigint {
  return poseidon([
    poseidon([c.preStateRoot, c.postStateRoot, c.queueStart, c.queueEnd, c.withdrawalsRoot]),
    poseidon([vh / HALF, vh % HALF, z, y / HALF, y % HALF]),
  ]);
}
