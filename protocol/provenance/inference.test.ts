import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { derivePublicKey } from "../eddsa.ts";
import { FIELD_MODULUS, fieldToHex } from "../field.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { codeOf } from "../testing.ts";
import {
  attestationMessage,
  decodeInput,
  decodeOutput,
  inputBytes,
  ioHash,
  outputBytes,
  signAttestation,
  verifyAttestation,
} from "./inference.ts";

// Test vectors of docs/protocol.md §10 (inference input and output): any implementation must reproduce these.
const INPUT = [0, -0, 0.5, -1.25, 1e-6];
const OUTPUT = [0.25, 0.75, Math.fround(1e-7)];
const VECTORS = {
  inputBytes: "00000005000000000000000000000000000000000000000000008000fffffffffffec0000000000000000000",
  inputHash: "0x24b60109f507991fb44f3d18fa6fa2ba90ab9332984a17ee0ccca829fd95d18e",
  outputBytes: "000000033e8000003f40000033d6bf95",
  outputHash: "0x0dc5f3233e1d5a5cfa339ef924cb426a27ec2f99ce15013fb9abcb241b0ac91a",
  // attestationMessage(DEV_DOMAIN, txHash 1, outputHash 2, featureCommitment 3)
  attestation: "0x173bbd73c2753532b0c1ea2c196c449cdc8f6f55ee2a60a34c7047c789f8fddd",
};
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("inference input and output hashes", () => {
  it("match the vectors", () => {
    expect(hex(inputBytes(INPUT))).toBe(VECTORS.inputBytes);
    expect(fieldToHex(ioHash(inputBytes(INPUT)))).toBe(VECTORS.inputHash);
    expect(hex(outputBytes(OUTPUT))).toBe(VECTORS.outputBytes);
    expect(fieldToHex(ioHash(outputBytes(OUTPUT)))).toBe(VECTORS.outputHash);
    // SHA-256 read big-endian, mod r: the same rule as modelHash.
    const digest = BigInt(`0x${createHash("sha256").update(outputBytes(OUTPUT)).digest("hex")}`);
    expect(ioHash(outputBytes(OUTPUT))).toBe(digest % FIELD_MODULUS);
  });

  it("quantizes the input as rows are, and reads both back", () => {
    // Values closer than 2^-17 to each other are one input.
    expect(inputBytes([1 + 2 ** -18])).toEqual(inputBytes([1]));
    expect(Array.from(decodeInput(inputBytes([0.5, -3, 1e-6])))).toEqual([0.5, -3, 0]);
    expect(Array.from(decodeOutput(outputBytes(OUTPUT)))).toEqual(OUTPUT);
    expect(codeOf(() => decodeInput(inputBytes([1]).subarray(0, 11)))).toBe("INVALID_ENCODING");
    expect(codeOf(() => inputBytes([Number.NaN]))).toBe("INVALID_ENCODING");
  });

  it("refuses an output that is not float32, which it could not hash as handed out", () => {
    expect(codeOf(() => outputBytes([0.1]))).toBe("INVALID_ENCODING");
    expect(codeOf(() => outputBytes([Number.POSITIVE_INFINITY]))).toBe("INVALID_ENCODING");
  });
});

describe("operator attestation", () => {
  it("matches the vector and verifies only for its message and key", () => {
    const m = attestationMessage(DEV_DOMAIN, 1n, 2n, 3n);
    expect(fieldToHex(m)).toBe(VECTORS.attestation);
    const sk = new Uint8Array(32).fill(7);
    const a = signAttestation(sk, derivePublicKey(sk), m);
    expect(verifyAttestation(a, m)).toBe(true);
    expect(verifyAttestation(a, attestationMessage(DEV_DOMAIN, 1n, 4n, 3n))).toBe(false);
    const other = new Uint8Array(32).fill(8);
    expect(
      verifyAttestation({ ...a, operator: signAttestation(other, derivePublicKey(other), m).operator }, m),
    ).toBe(false);
    expect(verifyAttestation({ ...a, signature: "00" }, m)).toBe(false);
  });
});
