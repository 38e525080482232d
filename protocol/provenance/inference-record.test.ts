import { describe, expect, it } from "vitest";
import { codeOf } from "../testing.ts";
import { inputBytes, ioHash, outputBytes } from "./inference.ts";
import {
  decodeRecords,
  encodeRecord,
  encodeRecords,
  findRecord,
  type InferenceRecord,
} from "./inference-record.ts";

const record = (i: number): InferenceRecord => ({
  model: 7 + i,
  txHash: new Uint8Array(32).fill(i),
  input: inputBytes([i, 0.5, -1, 2]),
  output: outputBytes([0.25, 0.75]),
  attestation: { operator: "ab".repeat(32), signature: "cd".repeat(64) },
  // Decoding checksums the address; the signature's bytes are carried as they are.
  operatorL1: { signer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", signature: `0x${"ef".repeat(64)}1b` },
});

describe("inference records", () => {
  it("stores a batch and finds each record by its inputHash", () => {
    const records = [0, 1, 2].map(record);
    const bytes = encodeRecords(records);
    expect(decodeRecords(bytes)).toEqual(records);
    for (const r of records) expect(findRecord(bytes, ioHash(r.input))).toEqual(r);
    expect(findRecord(bytes, ioHash(inputBytes([9, 9, 9, 9])))).toBeUndefined();
    // `accept` rules out a record whose input matches.
    expect(findRecord(bytes, ioHash(records[1]!.input), (r) => r.model === 99)).toBeUndefined();
  });

  it("reads a single record as a batch of one, and refuses a truncated or padded batch", () => {
    const one = record(4);
    expect(decodeRecords(encodeRecord(one))).toEqual([one]);
    expect(findRecord(encodeRecord(one), ioHash(one.input))).toEqual(one);
    const bytes = encodeRecords([record(0), record(1)]);
    expect(codeOf(() => decodeRecords(bytes.subarray(0, bytes.length - 1)))).toBe("INVALID_ENCODING");
    expect(codeOf(() => decodeRecords(Uint8Array.from([...bytes, 0])))).toBe("INVALID_ENCODING");
    expect(findRecord(bytes.subarray(0, 20), ioHash(record(0).input))).toBeUndefined();
  });
});
