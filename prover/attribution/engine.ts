import { ATTRIBUTION_METHODS, attributionMethodName } from "../../protocol/rewards/methods.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import { aggregate } from "./aggregate.ts";
import { inferenceFeatures, type ModelContext, memo, modelContext } from "./context.ts";
import { influenceScores } from "./influence.ts";
import { knnInput, knnShapley } from "./knn-shapley.ts";
import { looScores } from "./loo.ts";
import { knnIncrementalUtility, tmcShapley } from "./tmc-shapley.ts";
import { testFactors, tracinScores } from "./tracin.ts";
import type { AttributionResult, Inference, MethodName, TrainingRows } from "./types.ts";

/** Method parameters; governance fixes them per epoch so every replay uses the same. */
export interface MethodParams {
  /** Neighbours of KNN-Shapley and of the TMC reference's utility. */
  readonly k: number;
  /** Added to the head Hessian's diagonal by the influence method. */
  readonly damping: number;
  readonly permutations: number;
  /** TMC truncation tolerance; < 0 keeps only exact truncation. */
  readonly tolerance: number;
  readonly seed: string;
}

export const DEFAULT_PARAMS: MethodParams = {
  k: 10,
  damping: 1e-3,
  permutations: 100,
  tolerance: -1,
  seed: "openledger/tmc",
};

/** The methods that value a classifier's training rows; `spanMatch` values text outputs (./spans/). */
export type RowMethodName = Exclude<MethodName, "spanMatch">;

export const METHODS: readonly RowMethodName[] = ATTRIBUTION_METHODS.filter(
  (m): m is RowMethodName => m !== "spanMatch",
);

/**
 * The method a governance `attributionMethod` id names: 1 + its index in ATTRIBUTION_METHODS
 * (docs/attribution.md §3), so 1 (genesis) is KNN-Shapley. An id outside the table is refused:
 * a prover must not guess which method the epoch is valued by.
 */
export function methodOfId(id: number): MethodName {
  const method = attributionMethodName(id);
  if (method === undefined) {
    throw new ProverError(
      ProverErrorCode.InvalidAttribution,
      `attribution method id ${id} names no method (1..${ATTRIBUTION_METHODS.length}: ${ATTRIBUTION_METHODS.join(", ")})`,
    );
  }
  return method;
}

/**
 * Attribution of one inference to the training rows and contributions of one model:
 * a pure function of its arguments, returning fixed-point scores (same inputs, same bytes).
 */
export function attribute(
  method: RowMethodName,
  modelBytes: Uint8Array,
  rows: TrainingRows,
  inference: Inference,
  params: Partial<MethodParams> = {},
): AttributionResult {
  const ctx = modelContext(modelBytes, rows);
  const { f, label } = inferenceFeatures(ctx, inference);
  return aggregate(method, ctx, rowScores(method, ctx, f, label, { ...DEFAULT_PARAMS, ...params }));
}

/** Real-valued scores of the non-duplicate rows (ctx.active order) for one test embedding. */
export function rowScores(
  method: RowMethodName,
  ctx: ModelContext,
  f: Float64Array,
  label: number,
  params: MethodParams,
): Float64Array {
  switch (method) {
    case "knnShapley":
      return knnShapley(knnIndex(ctx), f, label, params.k);
    case "tmcShapley":
      return tmcShapley(ctx.data.y.length, knnIncrementalUtility(knnIndex(ctx), f, label, params.k), params);
    case "tracin":
      return tracinScores(ctx, testFactors(ctx, f, label));
    case "influence":
      return influenceScores(ctx, f, label, params.damping);
    case "loo":
      return looScores(ctx, { f, labels: Int32Array.of(label) });
  }
}

function knnIndex(ctx: ModelContext) {
  return memo(ctx, "knn/index", () => knnInput(ctx.data.dim, ctx.data.f, ctx.data.y));
}
