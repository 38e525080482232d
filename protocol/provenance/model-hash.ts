import type { Field } from "../field.ts";
import { digestToField } from "./rows.ts";
import { hash } from "node:crypto";

/**
 * modelHash (docs/protocol.md §10): SHA-256 of the model's ONNX file bytes, exactly as
 * stored, read big-endian and reduced mod r. The bytes are the model (docs/attribution.md
 * §1), so any change to weights, graph or metadata changes the hash. SHA-256 rather than
 * Poseidon: a model is megabytes and no circuit opens it.
 */
export function modelHash(onnxBytes: Uint8Array): Field {
  return digestToField(new Uint8Array(hash("sha256", onnxBytes, "buffer")));
}
