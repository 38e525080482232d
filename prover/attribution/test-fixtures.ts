import { splitBySizes } from "../datasets/dataset.ts";
import { dealContributions } from "../datasets/contributions.ts";
import { loadIris } from "../datasets/iris.ts";
import { trainModel, type TrainedModel } from "../models/pipeline.ts";
import { DEFAULT_TRAIN } from "../models/train.ts";
import type { TrainingRows } from "./types.ts";

/** A small real model for tests: iris, 4-16-8-3, trained in well under a second. */
export function irisFixture(): {
  model: TrainedModel;
  rows: TrainingRows;
  test: { x: Float64Array; y: Int32Array };
} {
  const [train, test] = splitBySizes(loadIris(), [110, 40], "test/iris");
  const model = trainModel(
    train!,
    { ...DEFAULT_TRAIN, hidden: [16, 8], epochs: 40, batchSize: 8, seed: "test/iris" },
    1e-2,
  );
  return { model, rows: dealContributions(train!, 5, "test/iris"), test: { x: test!.x, y: test!.y } };
}

export function testInput(test: { x: Float64Array }, i: number, dim = 4): Float64Array {
  return test.x.slice(i * dim, (i + 1) * dim);
}
