import type { Dataset } from "../datasets/dataset.ts";
import { createRng, permutation } from "../datasets/random.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { Dense, Mlp } from "./mlp.ts";

export interface TrainConfig {
  /** Hidden widths; the last is the embedding size. */
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly seed: string;
}

/** Where SGD stands: `step` of `steps` mini-batches in epoch `epoch` (from 0) of `epochs`. */
export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly steps: number;
}

export interface TrainOptions {
  /**
   * Warm start (fine-tuning): SGD starts from these parameters instead of the seeded He
   * initialisation. Its widths must be [data.dim, ...config.hidden, data.classes].
   */
  readonly init?: Mlp;
  /** Called after every mini-batch; it only observes, so results do not depend on it. */
  readonly onProgress?: (p: TrainProgress) => void;
}

export const DEFAULT_TRAIN: TrainConfig = {
  hidden: [128, 64],
  epochs: 4,
  batchSize: 32,
  learningRate: 0.05,
  momentum: 0.9,
  weightDecay: 1e-4,
  seed: "openledger/mlp",
};

/**
 * Mini-batch SGD with momentum on softmax cross-entropy, in float64 with a fixed visiting
 * order, so the same data, config and seed give the same parameters bit for bit.
 * Weights are kept transposed (in x out) so every inner loop runs over contiguous memory,
 * and zero inputs (most MNIST pixels) are skipped.
 */
export function trainMlp(
  data: Dataset,
  config: TrainConfig,
  headL2: number,
  options: TrainOptions = {},
): Mlp {
  const widths = [data.dim, ...config.hidden, data.classes];
  const layers = options.init ? warmLayers(options.init, widths) : heLayers(widths, config.seed);
  const velocity = layers.map((l) => ({ w: new Float64Array(l.wt.length), b: new Float64Array(l.b.length) }));
  const grads = layers.map((l) => ({ w: new Float64Array(l.wt.length), b: new Float64Array(l.b.length) }));
  const acts = widths.map((w) => new Float64Array(w));
  const deltas = widths.map((w) => new Float64Array(w));
  const n = data.y.length;
  const steps = Math.ceil(n / config.batchSize);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = permutation(n, createRng(`${config.seed}/epoch/${epoch}`));
    for (let start = 0; start < n; start += config.batchSize) {
      const batch = order.subarray(start, Math.min(n, start + config.batchSize));
      for (const g of grads) {
        g.w.fill(0);
        g.b.fill(0);
      }
      for (const r of batch) {
        acts[0]!.set(data.x.subarray(r * data.dim, (r + 1) * data.dim));
        forwardRow(layers, acts);
        backwardRow(layers, acts, deltas, grads, data.y[r]!);
      }
      const scale = 1 / batch.length;
      layers.forEach((l, i) => {
        step(l.wt, velocity[i]!.w, grads[i]!.w, scale, config, config.weightDecay);
        step(l.b, velocity[i]!.b, grads[i]!.b, scale, config, 0);
      });
      options.onProgress?.({ epoch, epochs: config.epochs, step: start / config.batchSize + 1, steps });
    }
  }
  return { layers: layers.map(toDense), headL2 };
}

interface Layer {
  readonly inDim: number;
  readonly outDim: number;
  /** inDim x outDim. */
  readonly wt: Float64Array;
  readonly b: Float64Array;
}

function heLayers(widths: readonly number[], seed: string): Layer[] {
  const rng = createRng(`${seed}/init`);
  return widths.slice(1).map((out, i) => initLayer(widths[i]!, out, rng.normal));
}

/** The layers of `init` in training layout (weights transposed), checked against `widths`. */
function warmLayers(init: Mlp, widths: readonly number[]): Layer[] {
  const have = [init.layers[0]!.inDim, ...init.layers.map((l) => l.outDim)];
  if (have.join() !== widths.join()) {
    throw new ProverError(
      ProverErrorCode.InvalidTraining,
      `the base model's layer widths ${have.join("-")} differ from the data and config's ${widths.join("-")}`,
    );
  }
  return init.layers.map((l) => {
    const wt = new Float64Array(l.inDim * l.outDim);
    for (let o = 0; o < l.outDim; o++)
      for (let j = 0; j < l.inDim; j++) wt[j * l.outDim + o] = l.w[o * l.inDim + j]!;
    return { inDim: l.inDim, outDim: l.outDim, wt, b: l.b.slice() };
  });
}

function initLayer(inDim: number, outDim: number, normal: () => number): Layer {
  // He initialisation suits ReLU layers.
  const sd = Math.sqrt(2 / inDim);
  return {
    inDim,
    outDim,
    wt: Float64Array.from({ length: inDim * outDim }, () => normal() * sd),
    b: new Float64Array(outDim),
  };
}

/** acts[i+1] = layer_i(acts[i]); the last entry becomes softmax probabilities. */
function forwardRow(layers: readonly Layer[], acts: Float64Array[]): void {
  layers.forEach((l, i) => {
    const x = acts[i]!;
    const z = acts[i + 1]!;
    z.set(l.b);
    for (let j = 0; j < l.inDim; j++) {
      const xj = x[j]!;
      if (xj === 0) continue;
      const base = j * l.outDim;
      for (let o = 0; o < l.outDim; o++) z[o]! += xj * l.wt[base + o]!;
    }
    if (i < layers.length - 1) for (let o = 0; o < l.outDim; o++) z[o] = Math.max(0, z[o]!);
  });
  const p = acts[acts.length - 1]!;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of p) max = Math.max(max, v);
  let sum = 0;
  for (let k = 0; k < p.length; k++) {
    p[k] = Math.exp(p[k]! - max);
    sum += p[k]!;
  }
  for (let k = 0; k < p.length; k++) p[k] = p[k]! / sum;
}

function backwardRow(
  layers: readonly Layer[],
  acts: Float64Array[],
  deltas: Float64Array[],
  grads: { w: Float64Array; b: Float64Array }[],
  label: number,
): void {
  const last = layers.length;
  const top = deltas[last]!;
  top.set(acts[last]!);
  top[label]! -= 1;
  for (let i = last - 1; i >= 0; i--) {
    const l = layers[i]!;
    const dz = deltas[i + 1]!;
    const x = acts[i]!;
    const g = grads[i]!;
    for (let o = 0; o < l.outDim; o++) g.b[o]! += dz[o]!;
    const dx = deltas[i]!;
    for (let j = 0; j < l.inDim; j++) {
      const xj = x[j]!;
      const base = j * l.outDim;
      if (xj !== 0) for (let o = 0; o < l.outDim; o++) g.w[base + o]! += xj * dz[o]!;
      if (i === 0) continue;
      // ReLU: no gradient flows through units that were off.
      if (xj === 0) {
        dx[j] = 0;
        continue;
      }
      let s = 0;
      for (let o = 0; o < l.outDim; o++) s += l.wt[base + o]! * dz[o]!;
      dx[j] = s;
    }
  }
}

function step(
  param: Float64Array,
  velocity: Float64Array,
  grad: Float64Array,
  scale: number,
  config: TrainConfig,
  decay: number,
): void {
  for (let k = 0; k < param.length; k++) {
    const g = grad[k]! * scale + decay * param[k]!;
    velocity[k] = config.momentum * velocity[k]! - config.learningRate * g;
    param[k]! += velocity[k]!;
  }
}

function toDense(l: Layer): Dense {
  const w = new Float64Array(l.inDim * l.outDim);
  for (let j = 0; j < l.inDim; j++)
    for (let o = 0; o < l.outDim; o++) w[o * l.inDim + j] = l.wt[j * l.outDim + o]!;
  return { inDim: l.inDim, outDim: l.outDim, w, b: l.b.slice() };
}
