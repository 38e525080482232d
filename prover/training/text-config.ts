import { hash } from "node:crypto";
import { bigIntToBytesBE, bytesToBigIntBE, type Field } from "../../protocol/field.ts";
import { digestToField } from "../../protocol/provenance/rows.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import { checkNgramConfig, type NgramConfig } from "../models/ngram.ts";

/**
 * The training configuration of a text model (an n-gram over the network's tokenizer),
 * committed to by the register-model transaction's `trainingConfigHash` as the MLP's is
 * (docs/inference.md "Text models"): the order, the continuations kept per context and the
 * tokenizer, so a model record names the tokenizer its tokens are ids of.
 */
export interface TextTrainingConfig extends NgramConfig {
  /** TEXT_TRAINER_VERSION; a change of the counting code that changes the bytes bumps it. */
  readonly trainerVersion: number;
  /** tokenizerHash (docs/protocol.md §12.1) of the tokenizer the training text was encoded with. */
  readonly tokenizerHash: Field;
}

/** Version 1: prover/models/ngram.ts (longest-suffix backoff, top-K by count then token id). */
export const TEXT_TRAINER_VERSION = 1;

/** ONNX metadata key under which a text model carries its configuration (hex of the encoding). */
export const TEXT_CONFIG_METADATA_KEY = "openledger.text_training_config";

const TAG = new TextEncoder().encode("openledger.training.ngram");
const LENGTH = TAG.length + 2 + 1 + 2 + 32;

const invalid = (why: string) =>
  new ProverError(ProverErrorCode.InvalidTraining, `text training config: ${why}`);

/** "openledger.training.ngram" ‖ trainerVersion u16 ‖ order u8 ‖ topK u16 ‖ tokenizerHash 32, big-endian. */
export function encodeTextConfig(c: TextTrainingConfig): Uint8Array {
  checkNgramConfig(c);
  if (!Number.isInteger(c.trainerVersion) || c.trainerVersion < 1 || c.trainerVersion > 0xffff)
    throw invalid("trainerVersion must be an integer in [1, 65535]");
  const out = new Uint8Array(LENGTH);
  const view = new DataView(out.buffer);
  out.set(TAG);
  view.setUint16(TAG.length, c.trainerVersion);
  view.setUint8(TAG.length + 2, c.order);
  view.setUint16(TAG.length + 3, c.topK);
  out.set(bigIntToBytesBE(c.tokenizerHash, 32), TAG.length + 5);
  return out;
}

export function decodeTextConfig(bytes: Uint8Array): TextTrainingConfig {
  if (bytes.length !== LENGTH || !TAG.every((b, i) => bytes[i] === b))
    throw invalid("not a text training config");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const config = {
    trainerVersion: view.getUint16(TAG.length),
    order: view.getUint8(TAG.length + 2),
    topK: view.getUint16(TAG.length + 3),
    tokenizerHash: bytesToBigIntBE(bytes.subarray(TAG.length + 5)),
  };
  encodeTextConfig(config);
  return config;
}

/** SHA-256 of the canonical bytes, big-endian, mod r (as the MLP's trainingConfigHash). */
export function textConfigHash(c: TextTrainingConfig): Field {
  return digestToField(new Uint8Array(hash("sha256", encodeTextConfig(c), "buffer")));
}
