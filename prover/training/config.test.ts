import { describe, expect, it } from "vitest";
import { fieldToHex } from "../../protocol/field.ts";
import { codeOf } from "../../protocol/testing.ts";
import {
  decodeTrainingConfig,
  encodeTrainingConfig,
  type TrainingConfig,
  trainingConfigHash,
} from "./config.ts";

/** The vectors of docs/attribution.md §10. */
const DEFAULTS: TrainingConfig = {
  trainerVersion: 1,
  inputDim: 784,
  classes: 10,
  hidden: [128, 64],
  epochs: 4,
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  headL2: 0.1,
  seed: "openledger/mlp",
  base: 0n,
};
const FINE_TUNE: TrainingConfig = {
  ...DEFAULTS,
  inputDim: 4,
  classes: 3,
  hidden: [8, 4],
  epochs: 2,
  seed: "fine-tune",
  base: 0x04b4911b7a2edfe1fcf8324326557e9b2e814b3b36ab482d7fbcf4194ea1e606n,
};

describe("training config", () => {
  it("encodes canonically and hashes to the documented vectors", () => {
    expect(Buffer.from(encodeTrainingConfig(DEFAULTS)).toString("hex")).toBe(
      "6f70656e6c65646765722e747261696e696e67" +
        "0001" +
        "00000310" +
        "0000000a" +
        "02" +
        "00000080" +
        "00000040" +
        "00000004" +
        "00000020" +
        "3fa999999999999a" +
        "3feccccccccccccd" +
        "3f1a36e2eb1c432d" +
        "3fb999999999999a" +
        "00".repeat(32) +
        "000e" +
        "6f70656e6c65646765722f6d6c70",
    );
    expect(fieldToHex(trainingConfigHash(DEFAULTS))).toBe(
      "0x05d2e34fd568b9aead759b334aa5c5fdef4c9d89fa06d2d53c81037367876eb8",
    );
    expect(fieldToHex(trainingConfigHash(FINE_TUNE))).toBe(
      "0x0a10c5307a5fa353813e35a3b1ddf9235e7e93bb3dbecece22dad82ad0880014",
    );
  });

  it("round-trips, and any field changes the hash", () => {
    for (const c of [DEFAULTS, FINE_TUNE]) expect(decodeTrainingConfig(encodeTrainingConfig(c))).toEqual(c);
    const hashes = new Set(
      [
        DEFAULTS,
        { ...DEFAULTS, trainerVersion: 2 },
        { ...DEFAULTS, hidden: [128, 32] },
        { ...DEFAULTS, hidden: [128] },
        { ...DEFAULTS, learningRate: 0.05000000000000001 },
        { ...DEFAULTS, seed: "openledger/mlq" },
        { ...DEFAULTS, base: 1n },
      ].map(trainingConfigHash),
    );
    expect(hashes.size).toBe(7);
  });

  it("refuses configurations the trainer cannot run and bytes that are not one", () => {
    for (const bad of [
      { headL2: 0 },
      { momentum: 1 },
      { learningRate: Number.NaN },
      { hidden: [] },
      { hidden: [4, 0] },
      { classes: 1 },
      { epochs: 1.5 },
      { seed: "x".repeat(257) },
    ]) {
      expect(codeOf(() => encodeTrainingConfig({ ...DEFAULTS, ...bad }))).toBe("INVALID_TRAINING");
    }
    const bytes = encodeTrainingConfig(DEFAULTS);
    expect(codeOf(() => decodeTrainingConfig(bytes.subarray(0, bytes.length - 1)))).toBe("INVALID_TRAINING");
    expect(codeOf(() => decodeTrainingConfig(new Uint8Array([...bytes, 0])))).toBe("INVALID_TRAINING");
    expect(codeOf(() => decodeTrainingConfig(new Uint8Array(bytes.length)))).toBe("INVALID_TRAINING");
  });
});
