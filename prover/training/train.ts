import type { Field } from "../../protocol/field.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { trainingDescriptor, trainingSetRoot } from "../../protocol/tx/fields.ts";
import type { FetchedRows } from "../../store/fetch-rows.ts";
import { checkpointCommitment } from "../attribution/commitment.ts";
import { modelContext } from "../attribution/context.ts";
import { duplicateMask } from "../attribution/row-hash.ts";
import type { TrainingRows } from "../attribution/types.ts";
import { select } from "../datasets/dataset.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import type { Mlp } from "../models/mlp.ts";
import { decodeMlp, modelMetadata } from "../models/onnx.ts";
import { trainModel } from "../models/pipeline.ts";
import type { TrainProgress } from "../models/train.ts";
import {
  CONFIG_METADATA_KEY,
  decodeTrainingConfig,
  encodeTrainingConfig,
  type TrainingConfig,
  trainingConfigHash,
} from "./config.ts";

/**
 * Training a registered model from its contributions' rows, as pure functions of (rows,
 * configuration, base model bytes): the trainer (`trainModel`, seeded and deterministic) and
 * every value the register-model transaction carries, computed the way a prover recomputes
 * them (docs/attribution.md §10). The I/O around it (L2, store) is in ./store-training.ts.
 */

/** One training contribution: its L2 id and its rows as fetched and checked against contentRoot. */
export interface ContributionRows {
  readonly id: number;
  readonly rows: FetchedRows;
}

/** What a register-model transaction names, and the bytes it names. */
export interface ModelCommitments {
  readonly modelHash: Field;
  readonly trainingConfigHash: Field;
  /** Contribution ids, strictly increasing: the training set's slot order. */
  readonly contributions: readonly number[];
  readonly trainingSetRoot: Field;
  readonly maxId: number;
  /** Poseidon(trainingConfigHash, trainingSetRoot, maxId): what the model leaf stores. */
  readonly trainingDescriptor: Field;
  readonly checkpointCommitment: Field;
}

export interface TrainedArtifact extends ModelCommitments {
  /** The ONNX model. */
  readonly bytes: Uint8Array;
  readonly config: TrainingConfig;
  readonly rows: TrainingRows;
}

const invalid = (why: string) => new ProverError(ProverErrorCode.InvalidTraining, why);

/**
 * The model's TrainingRows: each contribution's rows in stored order, contributions in id
 * order (registration order, which the training set's strictly increasing ids also give).
 * Every row must have `dim` features and a label below `classes`.
 */
export function assembleTrainingRows(parts: readonly ContributionRows[], classes: number): TrainingRows {
  if (parts.length === 0) throw invalid("a model trains on at least one contribution");
  parts.forEach((p, j) => {
    if (j > 0 && p.id <= parts[j - 1]!.id)
      throw invalid(`contribution ids must be strictly increasing: ${p.id} follows ${parts[j - 1]!.id}`);
  });
  const widths = new Set(parts.filter((p) => p.rows.count > 0).map((p) => p.rows.dim));
  if (widths.size === 0) throw invalid(`contributions ${parts.map((p) => p.id).join(", ")} hold no rows`);
  if (widths.size > 1) {
    const list = parts.map((p) => `${p.id}: ${p.rows.dim}`).join(", ");
    throw invalid(`contributions have rows of different widths (${list})`);
  }
  const dim = [...widths][0]!;
  const n = parts.reduce((s, p) => s + p.rows.count, 0);
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  const contribution = new Uint32Array(n);
  let r = 0;
  parts.forEach((p, j) => {
    x.set(p.rows.features, r * dim);
    p.rows.labels.forEach((label, i) => {
      if (label >= classes)
        throw invalid(`contribution ${p.id} row ${i} has label ${label}, not a class of ${classes}`);
      y[r + i] = label;
      contribution[r + i] = j;
    });
    r += p.rows.count;
  });
  return { dim, classes, x, y, contribution, contributions: parts.map((p) => BigInt(p.id)) };
}

/**
 * The values a register-model transaction carries for these bytes trained on these rows:
 * modelHash (docs/protocol.md §10), the training descriptor's parts (§5.1) and the checkpoint
 * commitment (docs/attribution.md §6). What the trainer registers and what a prover who
 * fetched the same rows and bytes recomputes, by the same code.
 */
export function modelCommitments(
  bytes: Uint8Array,
  rows: TrainingRows,
  configHash: Field,
  params: ProtocolParams,
): ModelCommitments {
  const contributions = rows.contributions.map(Number);
  return {
    modelHash: modelHash(bytes),
    trainingConfigHash: configHash,
    contributions,
    trainingSetRoot: trainingSetRoot(contributions, params),
    maxId: contributions.at(-1)!,
    trainingDescriptor: trainingDescriptor(configHash, contributions, params),
    checkpointCommitment: checkpointCommitment(modelContext(bytes, rows), params.trainingSet).root,
  };
}

/**
 * Trains the model `config` describes on `rows` (from `base`'s weights for a fine-tune) and
 * computes what registering it takes. Rows repeating an earlier row are left out of training,
 * as the attribution engine leaves them out of valuation (docs/attribution.md §5), so the
 * head sits at its optimum over exactly the rows that are valued. The configuration is
 * written into the model's metadata, so the bytes carry what retrains them.
 */
export function trainArtifact(
  rows: TrainingRows,
  config: TrainingConfig,
  params: ProtocolParams,
  o: { readonly base?: Uint8Array; readonly onProgress?: (p: TrainProgress) => void } = {},
): TrainedArtifact {
  if (rows.dim !== config.inputDim || rows.classes !== config.classes) {
    throw invalid(
      `rows of ${rows.dim} features and ${rows.classes} classes do not fit a config of ${config.inputDim} and ${config.classes}`,
    );
  }
  const init = o.base ? baseModel(o.base, config) : undefined;
  if (!o.base && config.base !== 0n)
    throw invalid("the config names a base model but no base bytes were given");
  const duplicates = duplicateMask(rows);
  const keep = Uint32Array.from(duplicates.keys()).filter((r) => !duplicates[r]);
  const all = { name: "training", dim: rows.dim, classes: rows.classes, x: rows.x, y: rows.y };
  // No copy of the rows (hundreds of MB for MNIST-sized sets) when none repeats.
  const data = keep.length === rows.y.length ? all : select(all, keep);
  const configHash = trainingConfigHash(config);
  const { bytes } = trainModel(data, config, config.headL2, {
    init,
    onProgress: o.onProgress,
    metadata: { [CONFIG_METADATA_KEY]: Buffer.from(encodeTrainingConfig(config)).toString("hex") },
  });
  return { ...modelCommitments(bytes, rows, configHash, params), bytes, config, rows };
}

/** The configuration model bytes carry in their metadata (models trained here do), if any. */
export function carriedConfig(bytes: Uint8Array): TrainingConfig | undefined {
  const hex = modelMetadata(bytes, CONFIG_METADATA_KEY);
  return hex === undefined ? undefined : decodeTrainingConfig(Buffer.from(hex, "hex"));
}

/** The base model's parameters; its widths are checked by the trainer's warm start. */
function baseModel(bytes: Uint8Array, config: TrainingConfig): Mlp {
  if (modelHash(bytes) !== config.base)
    throw invalid("the base model's bytes do not hash to the config's base");
  return decodeMlp(bytes);
}
