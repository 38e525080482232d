import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { type Mlp, classCount, embed, embeddingDim, head, inputDim } from "../models/mlp.ts";
import { decodeMlp } from "../models/onnx.ts";
import { quantize, VECTOR_BITS } from "./fixed-point.ts";
import type { HeadData } from "./head.ts";
import { duplicateMask } from "./row-hash.ts";
import type { Inference, TrainingRows } from "./types.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";

/**
 * Everything the methods derive from (model bytes, training rows) alone: decoded model,
 * head parameters, and the quantized embeddings of the rows that are not duplicates.
 * Derived once per pair and cached, so each method stays a function of its inputs while
 * a prover answering many inferences does not re-embed the training set each time.
 */
export interface ModelContext {
  readonly mlp: Mlp;
  /** Head parameters, class-major with the bias last (see head.ts). */
  readonly theta: Float64Array;
  readonly l2: number;
  readonly rows: TrainingRows;
  readonly duplicates: Uint8Array;
  /** Indices (into rows) of the non-duplicate rows, in order; `data` row r is rows row active[r]. */
  readonly active: Uint32Array;
  readonly data: HeadData;
  /** Memo for derived values (Hessian factors, gradients) keyed by method and parameters. */
  readonly memo: Map<string, unknown>;
}

const cache = new WeakMap<TrainingRows, Map<string, ModelContext>>();

export function modelContext(modelBytes: Uint8Array, rows: TrainingRows): ModelContext {
  const key = bytesToHex(sha256(modelBytes));
  let perRows = cache.get(rows);
  if (!perRows) {
    perRows = new Map();
    cache.set(rows, perRows);
  }
  let ctx = perRows.get(key);
  if (!ctx) {
    ctx = buildContext(decodeMlp(modelBytes), rows);
    perRows.set(key, ctx);
  }
  return ctx;
}

export function buildContext(mlp: Mlp, rows: TrainingRows): ModelContext {
  if (rows.dim !== inputDim(mlp) || rows.classes !== classCount(mlp)) {
    throw new ProverError(
      ProverErrorCode.InvalidAttribution,
      "training rows do not fit the model's input or classes",
    );
  }
  const duplicates = duplicateMask(rows);
  const active = Uint32Array.from(duplicates.keys()).filter((r) => !duplicates[r]);
  const x = new Float64Array(active.length * rows.dim);
  active.forEach((r, i) => x.set(rows.x.subarray(r * rows.dim, (r + 1) * rows.dim), i * rows.dim));
  return {
    mlp,
    theta: headTheta(mlp),
    l2: mlp.headL2,
    rows,
    duplicates,
    active,
    data: {
      dim: embeddingDim(mlp),
      classes: classCount(mlp),
      f: features(mlp, x, active.length),
      y: Int32Array.from(active, (r) => rows.y[r]!),
    },
    memo: new Map(),
  };
}

/** Quantized embeddings: the JS reference forward pass rounded to the 2^-16 grid. */
export function features(mlp: Mlp, x: Float64Array, n: number): Float64Array {
  return embed(mlp, x, n).map((v) => quantize(v, VECTOR_BITS) / 2 ** VECTOR_BITS);
}

/** The inference's embedding and the label attributed (the model's prediction by default). */
export function inferenceFeatures(
  ctx: ModelContext,
  inference: Inference,
): { f: Float64Array; label: number } {
  if (inference.x.length !== inputDim(ctx.mlp)) {
    throw new ProverError(ProverErrorCode.InvalidAttribution, "inference input has the wrong width");
  }
  const { label } = inference;
  if (label !== undefined && !(Number.isInteger(label) && label >= 0 && label < ctx.data.classes)) {
    throw new ProverError(ProverErrorCode.InvalidAttribution, `label ${label} is not a class of the model`);
  }
  const f = features(ctx.mlp, inference.x, 1);
  return { f, label: label ?? predict(ctx.theta, f, ctx.data.classes) };
}

export function memo<T>(ctx: ModelContext, key: string, make: () => T): T {
  if (!ctx.memo.has(key)) ctx.memo.set(key, make());
  return ctx.memo.get(key) as T;
}

/** The head as class-major rows [w_a, b_a]. */
export function headTheta(mlp: Mlp): Float64Array {
  const { inDim, outDim, w, b } = head(mlp);
  const theta = new Float64Array(outDim * (inDim + 1));
  for (let a = 0; a < outDim; a++) {
    theta.set(w.subarray(a * inDim, (a + 1) * inDim), a * (inDim + 1));
    theta[a * (inDim + 1) + inDim] = b[a]!;
  }
  return theta;
}

function predict(theta: Float64Array, f: Float64Array, classes: number): number {
  const dim = f.length;
  let best = 0;
  let bestZ = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < classes; a++) {
    let z = theta[a * (dim + 1) + dim]!;
    for (let j = 0; j < dim; j++) z += theta[a * (dim + 1) + j]! * f[j]!;
    if (z > bestZ) {
      bestZ = z;
      best = a;
    }
  }
  return best;
}
