import { features, headTheta } from "../attribution/context.ts";
import { fitHead } from "../attribution/head-fit.ts";
import type { Dataset } from "../datasets/dataset.ts";
import { type Dense, type Mlp, hiddenLayers } from "./mlp.ts";
import { decodeMlp, encodeMlp, roundToFloat32 } from "./onnx.ts";
import { type TrainConfig, type TrainOptions, trainMlp } from "./train.ts";

/**
 * Ridge weight of the head objective. Strong enough that the head does not memorise
 * mislabeled rows (which would hide them from gradient methods: a memorised row has a
 * near-zero gradient), measured on MNIST with 10% flipped labels.
 */
export const DEFAULT_HEAD_L2 = 0.1;

export interface TrainedModel {
  /** The ONNX model: what is hashed, registered and run. */
  readonly bytes: Uint8Array;
  /** decodeMlp(bytes). */
  readonly mlp: Mlp;
}

export interface PipelineOptions extends TrainOptions {
  /** Extra ONNX metadata entries written with the model (they are part of its bytes). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Seeded training pipeline: SGD on the whole network (from `options.init` for a fine-tune),
 * then the head refitted to the exact optimum of its L2-regularized objective on the
 * quantized float32 embeddings (influence functions and leave-one-out assume that optimum),
 * then written as ONNX.
 */
export function trainModel(
  data: Dataset,
  config: TrainConfig,
  headL2: number,
  options: PipelineOptions = {},
): TrainedModel {
  const sgd = roundToFloat32(trainMlp(data, config, headL2, options));
  const n = data.y.length;
  const f = features(sgd, data.x, n);
  const hidden = hiddenLayers(sgd);
  const dim = hidden[hidden.length - 1]!.outDim;
  const theta = fitHead({ dim, classes: data.classes, f, y: data.y }, headTheta(sgd), { l2: headL2 });
  const fitted: Dense = {
    inDim: dim,
    outDim: data.classes,
    w: Float64Array.from(
      { length: dim * data.classes },
      (_, k) => theta[Math.floor(k / dim) * (dim + 1) + (k % dim)]!,
    ),
    b: Float64Array.from({ length: data.classes }, (_, a) => theta[a * (dim + 1) + dim]!),
  };
  const bytes = encodeMlp({ layers: [...hidden, fitted], headL2 }, options.metadata);
  return { bytes, mlp: decodeMlp(bytes) };
}
