import type { Field } from "../../protocol/field.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { tokenStream } from "../../protocol/text/text-root.ts";
import { TOKENIZER_HASH } from "../../protocol/text/tokenizer.ts";
import { trainingDescriptor, trainingSetRoot } from "../../protocol/tx/fields.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import { modelMetadata } from "../models/onnx.ts";
import { DEFAULT_NGRAM, trainNgram } from "../models/ngram.ts";
import { encodeNgram } from "../models/ngram-onnx.ts";
import {
  decodeTextConfig,
  encodeTextConfig,
  TEXT_CONFIG_METADATA_KEY,
  TEXT_TRAINER_VERSION,
  textConfigHash,
  type TextTrainingConfig,
} from "./text-config.ts";
import type { ModelCommitments } from "./train.ts";

/**
 * Training a text model from its contributions' documents, as a pure function of (documents,
 * configuration): each contribution's token stream (docs/protocol.md §12.2), the n-gram
 * counted over them, written as ONNX with its configuration in the metadata, and the values a
 * register-model transaction carries. The I/O is in ./text-store-training.ts.
 */

/** One training contribution of a text Datanet: its L2 id and its documents, checked against contentRoot. */
export interface ContributionText {
  readonly id: number;
  readonly documents: readonly string[];
}

export interface TextArtifact extends ModelCommitments {
  readonly bytes: Uint8Array;
  readonly config: TextTrainingConfig;
  /** Tokens trained on, over every contribution's stream. */
  readonly tokens: number;
}

/** The defaults of `openledger model train` for a text Datanet. */
export const DEFAULT_TEXT_CONFIG: Omit<TextTrainingConfig, "tokenizerHash"> = {
  trainerVersion: TEXT_TRAINER_VERSION,
  ...DEFAULT_NGRAM,
};

const invalid = (why: string) => new ProverError(ProverErrorCode.InvalidTraining, why);

/**
 * Trains the n-gram `config` describes on the contributions' token streams (in id order) and
 * computes what registering it takes. A text model has no checkpoint to commit to (span
 * attribution reads its training text, never its internals), so `checkpointCommitment` is 0;
 * its bytes are a function of the documents and `config` alone, so anyone holding both
 * retrains them and checks modelHash.
 */
export function trainTextArtifact(
  parts: readonly ContributionText[],
  config: TextTrainingConfig,
  params: ProtocolParams,
): TextArtifact {
  if (parts.length === 0) throw invalid("a model trains on at least one contribution");
  parts.forEach((p, j) => {
    if (j > 0 && p.id <= parts[j - 1]!.id)
      throw invalid(`contribution ids must be strictly increasing: ${p.id} follows ${parts[j - 1]!.id}`);
  });
  if (config.tokenizerHash !== TOKENIZER_HASH)
    throw invalid("the config names another tokenizer than this node's (docs/protocol.md §12.1)");
  const streams = parts.map((p) => tokenStream(p.documents));
  const bytes = encodeNgram(trainNgram(streams, config), {
    [TEXT_CONFIG_METADATA_KEY]: Buffer.from(encodeTextConfig(config)).toString("hex"),
  });
  const configHash = textConfigHash(config);
  const contributions = parts.map((p) => p.id);
  return {
    bytes,
    config,
    tokens: streams.reduce((n, s) => n + s.length, 0),
    modelHash: modelHash(bytes),
    trainingConfigHash: configHash,
    contributions,
    trainingSetRoot: trainingSetRoot(contributions, params),
    maxId: contributions.at(-1)!,
    trainingDescriptor: trainingDescriptor(configHash, contributions, params),
    checkpointCommitment: 0n as Field,
  };
}

/** The configuration a text model's bytes carry, if they carry one. */
export function carriedTextConfig(bytes: Uint8Array): TextTrainingConfig | undefined {
  const hex = modelMetadata(bytes, TEXT_CONFIG_METADATA_KEY);
  return hex === undefined ? undefined : decodeTextConfig(Buffer.from(hex, "hex"));
}
