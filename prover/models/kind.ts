import { modelMetadata } from "./onnx.ts";

/** The ONNX metadata key naming a model's kind; models written before it existed are MLPs. */
export const MODEL_KIND_KEY = "openledger.model_kind";

/** What a model takes and gives: numbers to class probabilities, or tokens to tokens. */
export type ModelKind = "mlp" | "ngram";

export function modelKind(bytes: Uint8Array): ModelKind {
  return modelMetadata(bytes, MODEL_KIND_KEY) === "ngram" ? "ngram" : "mlp";
}
