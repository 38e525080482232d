import { describe, expect, it } from "vitest";
import type { Dataset } from "../datasets/dataset.ts";
import { dealContributions } from "../datasets/contributions.ts";
import { flipLabels, splitBySizes } from "../datasets/dataset.ts";
import { loadPenguins } from "../datasets/penguins.ts";
import { loadSpam } from "../datasets/spam.ts";
import { trainModel } from "../models/pipeline.ts";
import { DEFAULT_TRAIN } from "../models/train.ts";
import { buildContext, features } from "./context.ts";
import { DEFAULT_PARAMS, type RowMethodName, rowScores } from "./engine.ts";
import { noisyAuc } from "./evaluation/metrics.ts";

/** Values every training row by its summed scores over clean validation points. */
function detectionAuc(
  ds: Dataset,
  sizes: [number, number],
  hidden: number[],
  methods: RowMethodName[],
): number[] {
  const [trainClean, valid] = splitBySizes(ds, sizes, `test/noisy/${ds.name}`);
  const { data: train, flipped } = flipLabels(trainClean!, 0.1, `test/noisy/${ds.name}`);
  const model = trainModel(train, { ...DEFAULT_TRAIN, hidden, epochs: 10, seed: ds.name }, 0.1);
  const ctx = buildContext(model.mlp, dealContributions(train, 4, ds.name));
  const f = features(model.mlp, valid!.x, sizes[1]);
  const dim = ctx.data.dim;
  return methods.map((method) => {
    const total = new Float64Array(sizes[0]);
    for (let t = 0; t < sizes[1]; t++) {
      const s = rowScores(method, ctx, f.subarray(t * dim, (t + 1) * dim), valid!.y[t]!, DEFAULT_PARAMS);
      s.forEach((v, i) => {
        total[i]! += v;
      });
    }
    return noisyAuc(total, flipped);
  });
}

describe("noisy-label detection on other real data", () => {
  it("finds flipped penguin species", () => {
    const [knn, influence] = detectionAuc(loadPenguins(), [240, 100], [16, 8], ["knnShapley", "influence"]);
    expect(knn).toBeGreaterThan(0.85);
    expect(influence).toBeGreaterThan(0.85);
  });

  it("finds flipped spam labels in hashed bag-of-words emails, though less well", () => {
    // Measured: about 0.62 here, against 0.88 for KNN on the raw bag-of-words vectors. The
    // corpus holds copies (227 of its 6,046 vectors repeat exactly) whose raw neighbours
    // likely give the right label away; a 16-dim embedding trained on the noisy labels keeps
    // the class, not the copies. Chance is 0.5 with a standard deviation of 0.025 here.
    const [knn, influence] = detectionAuc(loadSpam(256), [1500, 300], [32, 16], ["knnShapley", "influence"]);
    expect(knn).toBeGreaterThan(0.58);
    expect(influence).toBeGreaterThan(0.58);
  });
});
