import { hash } from "node:crypto";
import { bigIntToBytesBE, bytesToBigIntBE, FIELD_MODULUS, type Field } from "../../protocol/field.ts";
import { digestToField } from "../../protocol/provenance/rows.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { TrainConfig } from "../models/train.ts";

/**
 * The training configuration a register-model transaction commits to through
 * `trainingConfigHash` (docs/attribution.md §10): everything besides the rows that decides
 * the model's bytes, so that the rows and this configuration retrain the same bytes.
 */
export interface TrainingConfig extends TrainConfig {
  /** The trainer's version (TRAINER_VERSION): a change of the training code that changes results bumps it. */
  readonly trainerVersion: number;
  readonly inputDim: number;
  readonly classes: number;
  /** Ridge weight of the head objective the head is refitted to (docs/attribution.md §1). */
  readonly headL2: number;
  /** modelHash of the model a fine-tune starts from; 0 for a model trained from scratch. */
  readonly base: Field;
}

/** Version 1: prover/models (SGD with momentum, float32 rounding, Newton head refit), duplicates dropped. */
export const TRAINER_VERSION = 1;

/** The ONNX metadata key under which a trained model carries its configuration (hex of the encoding). */
export const CONFIG_METADATA_KEY = "openledger.training_config";

const TAG = new TextEncoder().encode("openledger.training");
const MAX_HIDDEN_LAYERS = 16;
const MAX_SEED_BYTES = 256;

const invalid = (why: string) => new ProverError(ProverErrorCode.InvalidTraining, `training config: ${why}`);

function checkConfig(c: TrainingConfig): void {
  const posInt = (v: number, what: string, max = 2 ** 32 - 1) => {
    if (!Number.isInteger(v) || v < 1 || v > max) throw invalid(`${what} must be an integer in [1, ${max}]`);
  };
  posInt(c.trainerVersion, "trainerVersion", 0xffff);
  posInt(c.inputDim, "inputDim");
  if (!Number.isInteger(c.classes) || c.classes < 2 || c.classes >= 2 ** 32)
    throw invalid("classes must be an integer >= 2");
  if (c.hidden.length < 1 || c.hidden.length > MAX_HIDDEN_LAYERS)
    throw invalid(`between 1 and ${MAX_HIDDEN_LAYERS} hidden layers`);
  c.hidden.forEach((w, i) => posInt(w, `hidden width ${i}`));
  posInt(c.epochs, "epochs");
  posInt(c.batchSize, "batchSize");
  if (!(c.learningRate > 0 && Number.isFinite(c.learningRate))) throw invalid("learningRate must be > 0");
  if (!(c.momentum >= 0 && c.momentum < 1)) throw invalid("momentum must be in [0, 1)");
  if (!(c.weightDecay >= 0 && Number.isFinite(c.weightDecay))) throw invalid("weightDecay must be >= 0");
  // The head refit needs a strictly convex objective.
  if (!(c.headL2 > 0 && Number.isFinite(c.headL2))) throw invalid("headL2 must be > 0");
  if (new TextEncoder().encode(c.seed).length > MAX_SEED_BYTES)
    throw invalid(`seed longer than ${MAX_SEED_BYTES} bytes`);
  if (c.base < 0n || c.base >= FIELD_MODULUS) throw invalid("base must be a field element");
}

/**
 * Canonical bytes, big-endian (docs/attribution.md §10):
 * "openledger.training" ‖ trainerVersion u16 ‖ inputDim u32 ‖ classes u32 ‖ n u8 ‖ n × hidden u32 ‖
 * epochs u32 ‖ batchSize u32 ‖ learningRate f64 ‖ momentum f64 ‖ weightDecay f64 ‖ headL2 f64 ‖
 * base 32 ‖ seedLength u16 ‖ seed UTF-8.
 */
export function encodeTrainingConfig(c: TrainingConfig): Uint8Array {
  checkConfig(c);
  const seed = new TextEncoder().encode(c.seed);
  const out = new Uint8Array(
    TAG.length + 2 + 4 + 4 + 1 + 4 * c.hidden.length + 8 + 32 + 32 + 2 + seed.length,
  );
  const view = new DataView(out.buffer);
  out.set(TAG);
  let at = TAG.length;
  const u = (bytes: 1 | 2 | 4, v: number) => {
    if (bytes === 1) view.setUint8(at, v);
    else if (bytes === 2) view.setUint16(at, v);
    else view.setUint32(at, v);
    at += bytes;
  };
  const f = (v: number) => {
    view.setFloat64(at, v);
    at += 8;
  };
  u(2, c.trainerVersion);
  u(4, c.inputDim);
  u(4, c.classes);
  u(1, c.hidden.length);
  c.hidden.forEach((w) => u(4, w));
  u(4, c.epochs);
  u(4, c.batchSize);
  f(c.learningRate);
  f(c.momentum);
  f(c.weightDecay);
  f(c.headL2);
  out.set(bigIntToBytesBE(c.base, 32), at);
  at += 32;
  u(2, seed.length);
  out.set(seed, at);
  return out;
}

/** Reads bytes written by `encodeTrainingConfig`; anything else is INVALID_TRAINING. */
export function decodeTrainingConfig(bytes: Uint8Array): TrainingConfig {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = TAG.length;
  const need = (n: number) => {
    if (at + n > bytes.length) throw invalid("encoding cut short");
  };
  const u = (n: 1 | 2 | 4) => {
    need(n);
    const v = n === 1 ? view.getUint8(at) : n === 2 ? view.getUint16(at) : view.getUint32(at);
    at += n;
    return v;
  };
  const f = () => {
    need(8);
    const v = view.getFloat64(at);
    at += 8;
    return v;
  };
  if (bytes.length < TAG.length || !TAG.every((b, i) => bytes[i] === b))
    throw invalid("not a training config");
  const trainerVersion = u(2);
  const inputDim = u(4);
  const classes = u(4);
  const hidden = Array.from({ length: u(1) }, () => u(4));
  const epochs = u(4);
  const batchSize = u(4);
  const learningRate = f();
  const momentum = f();
  const weightDecay = f();
  const headL2 = f();
  need(32);
  const base = bytesToBigIntBE(bytes.subarray(at, at + 32));
  at += 32;
  const seedLength = u(2);
  need(seedLength);
  let seed: string;
  try {
    seed = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(at, at + seedLength));
  } catch {
    throw invalid("seed is not UTF-8");
  }
  if (at + seedLength !== bytes.length) throw invalid("bytes after the seed");
  const config = {
    trainerVersion,
    inputDim,
    classes,
    hidden,
    epochs,
    batchSize,
    learningRate,
    momentum,
    weightDecay,
    headL2,
    seed,
    base,
  };
  checkConfig(config);
  return config;
}

/** trainingConfigHash: SHA-256 of the canonical bytes, read big-endian, reduced mod r (as modelHash). */
export function trainingConfigHash(c: TrainingConfig): Field {
  return digestToField(new Uint8Array(hash("sha256", encodeTrainingConfig(c), "buffer")));
}
