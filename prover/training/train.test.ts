import { describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { codeOf } from "../../protocol/testing.ts";
import type { FetchedRows } from "../../store/fetch-rows.ts";
import { type Dataset, splitBySizes } from "../datasets/dataset.ts";
import { loadIris } from "../datasets/iris.ts";
import { TRAINER_VERSION, type TrainingConfig } from "./config.ts";
import { assembleTrainingRows, carriedConfig, trainArtifact } from "./train.ts";

/** Rows as fetchRows returns them (the row hashes play no part in training). */
const fetched = (ds: Dataset): FetchedRows => ({
  count: ds.y.length,
  dim: ds.dim,
  labels: Uint32Array.from(ds.y),
  features: ds.x,
  rowHashes: new Uint8Array(32 * ds.y.length),
});

const [a, b, c] = splitBySizes(loadIris(), [40, 40, 30], "test/training");
const CONFIG: TrainingConfig = {
  trainerVersion: TRAINER_VERSION,
  inputDim: 4,
  classes: 3,
  hidden: [8, 4],
  epochs: 3,
  batchSize: 8,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  headL2: 0.01,
  seed: "test/training",
  base: 0n,
};

describe("training a model from contributions' rows", () => {
  it("assembles rows in id order and refuses sets the trainer cannot take", () => {
    const rows = assembleTrainingRows(
      [
        { id: 2, rows: fetched(a!) },
        { id: 5, rows: fetched(b!) },
      ],
      3,
    );
    expect(rows.contributions).toEqual([2n, 5n]);
    expect(Array.from(rows.contribution.subarray(38, 42))).toEqual([0, 0, 1, 1]);
    expect(rows.x.subarray(40 * 4, 41 * 4)).toEqual(b!.x.subarray(0, 4));
    const refused = (parts: { id: number; rows: FetchedRows }[], classes = 3) =>
      codeOf(() => assembleTrainingRows(parts, classes));
    expect(refused([])).toBe("INVALID_TRAINING");
    expect(
      refused([
        { id: 5, rows: fetched(a!) },
        { id: 2, rows: fetched(b!) },
      ]),
    ).toBe("INVALID_TRAINING");
    expect(refused([{ id: 1, rows: fetched(a!) }], 2)).toBe("INVALID_TRAINING");
    const wide = { ...a!, dim: 2, x: a!.x.slice(0, 80) };
    expect(
      refused([
        { id: 1, rows: fetched(a!) },
        { id: 2, rows: fetched(wide) },
      ]),
    ).toBe("INVALID_TRAINING");
  });

  it("leaves repeated rows out of training, not out of the training set", () => {
    const once = assembleTrainingRows([{ id: 1, rows: fetched(a!) }], 3);
    const copied = assembleTrainingRows(
      [
        { id: 1, rows: fetched(a!) },
        { id: 2, rows: fetched(a!) },
      ],
      3,
    );
    const first = trainArtifact(once, CONFIG, TEST_PARAMS);
    const second = trainArtifact(copied, CONFIG, TEST_PARAMS);
    // The copies change neither the SGD data nor the head refit: the same bytes...
    expect(second.bytes).toEqual(first.bytes);
    // ...but the copying contribution is named, with a leaf of its own (no rows: Poseidon(id, 0)).
    expect(second.contributions).toEqual([1, 2]);
    expect(second.checkpointCommitment).not.toBe(first.checkpointCommitment);
    expect(second.trainingDescriptor).not.toBe(first.trainingDescriptor);
    expect(carriedConfig(first.bytes)).toEqual(CONFIG);
  });

  it("fine-tunes from the base's weights, which must be the config's base and of its shape", () => {
    const base = trainArtifact(assembleTrainingRows([{ id: 1, rows: fetched(a!) }], 3), CONFIG, TEST_PARAMS);
    const rows = assembleTrainingRows([{ id: 3, rows: fetched(c!) }], 3);
    const config = { ...CONFIG, base: base.modelHash };
    const tuned = trainArtifact(rows, config, TEST_PARAMS, { base: base.bytes });
    expect(tuned.bytes).toEqual(trainArtifact(rows, config, TEST_PARAMS, { base: base.bytes }).bytes);
    expect(tuned.modelHash).toBe(modelHash(tuned.bytes));
    expect(tuned.bytes).not.toEqual(trainArtifact(rows, CONFIG, TEST_PARAMS).bytes);
    expect(codeOf(() => trainArtifact(rows, config, TEST_PARAMS))).toBe("INVALID_TRAINING");
    expect(codeOf(() => trainArtifact(rows, CONFIG, TEST_PARAMS, { base: base.bytes }))).toBe(
      "INVALID_TRAINING",
    );
    const other = { ...config, hidden: [8, 2] };
    expect(codeOf(() => trainArtifact(rows, other, TEST_PARAMS, { base: base.bytes }))).toBe(
      "INVALID_TRAINING",
    );
  });
});
