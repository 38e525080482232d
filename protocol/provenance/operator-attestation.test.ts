import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { fieldToHex } from "../field.ts";
import { DEV_DOMAIN } from "../genesis.ts";
import { decodeRecord, encodeRecord } from "./inference-record.ts";
import {
  ATTESTATION_TYPES,
  attestationDigest,
  attestationDomain,
  recoverAttester,
  signOperatorAttestation,
  verifyOperatorAttestation,
} from "./operator-attestation.ts";

// Vector of docs/protocol.md §10 (operator L1 attestation).
const ATTESTED = { txHash: 1n, model: 1, outputHash: 2n, featureCommitment: 3n };
const DIGEST = "0xa0791dcc2b22d8b978c853f5f876385f093d0fe47abb5f744565f9cd99231cef";
// Hardhat's well-known account #2 key: guards nothing.
const operator = new Wallet("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

describe("operator L1 attestation (EIP-712)", () => {
  it("digests the vector, and a wallet's own EIP-712 signature recovers to it", async () => {
    expect(attestationDigest(DEV_DOMAIN, ATTESTED)).toBe(DIGEST);
    const message = {
      txHash: fieldToHex(1n),
      model: 1,
      outputHash: fieldToHex(2n),
      featureCommitment: fieldToHex(3n),
    };
    const signature = await operator.signTypedData(attestationDomain(DEV_DOMAIN), ATTESTATION_TYPES, message);
    expect(recoverAttester(DEV_DOMAIN, ATTESTED, signature)).toBe(operator.address);
  });

  it("binds the chain, the rollup, the inference and the signer", () => {
    const att = signOperatorAttestation(operator.signingKey, DEV_DOMAIN, ATTESTED);
    expect(att.signer).toBe(operator.address);
    expect(verifyOperatorAttestation(DEV_DOMAIN, ATTESTED, att)).toBe(true);
    const otherChain = { ...DEV_DOMAIN, chainId: DEV_DOMAIN.chainId + 1n };
    const otherRollup = { ...DEV_DOMAIN, rollup: "0x0000000000000000000000000000000000000001" };
    expect(verifyOperatorAttestation(otherChain, ATTESTED, att)).toBe(false);
    expect(verifyOperatorAttestation(otherRollup, ATTESTED, att)).toBe(false);
    expect(verifyOperatorAttestation(DEV_DOMAIN, { ...ATTESTED, outputHash: 4n }, att)).toBe(false);
    expect(verifyOperatorAttestation(DEV_DOMAIN, { ...ATTESTED, txHash: 5n }, att)).toBe(false);
    expect(
      verifyOperatorAttestation(DEV_DOMAIN, ATTESTED, { ...att, signer: Wallet.createRandom().address }),
    ).toBe(false);
    expect(verifyOperatorAttestation(DEV_DOMAIN, ATTESTED, { ...att, signature: "0x1234" })).toBe(false);
  });

  it("travels in the stored record (version 2), byte for byte", () => {
    const operatorL1 = signOperatorAttestation(operator.signingKey, DEV_DOMAIN, ATTESTED);
    const record = {
      model: 7,
      txHash: new Uint8Array(32).fill(1),
      input: Uint8Array.of(0, 0, 0, 0),
      output: Uint8Array.of(0, 0, 0, 0),
      attestation: { operator: "ab".repeat(32), signature: "cd".repeat(64) },
      operatorL1,
    };
    const bytes = encodeRecord(record);
    expect(bytes[4]).toBe(2);
    expect(decodeRecord(bytes)).toEqual(record);
    expect(() => decodeRecord(bytes.subarray(0, bytes.length - 1))).toThrow(/not an inference record/);
  });
});
