import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import type { OpenLedgerProvider, SubmitResult } from "../../sdk/provider.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import type { ContributionInfo, ModelInfo } from "../../sdk/wire.ts";
import type { Reader, StoreClient } from "../../store/client.ts";
import { StoreError, StoreErrorCode } from "../../store/errors.ts";
import { fetchModel } from "../../store/fetch-content.ts";
import { fetchRowsByContent } from "../../store/fetch-rows.ts";
import type { BlobRecord } from "../../store/index-db.ts";
import type { TrainingRows } from "../attribution/types.ts";
import { ProverError, ProverErrorCode } from "../errors.ts";
import { classCount, hiddenLayers, inputDim } from "../models/mlp.ts";
import { decodeMlp } from "../models/onnx.ts";
import { DEFAULT_HEAD_L2 } from "../models/pipeline.ts";
import { DEFAULT_TRAIN, type TrainProgress } from "../models/train.ts";
import { TRAINER_VERSION, type TrainingConfig, trainingConfigHash } from "./config.ts";
import {
  assembleTrainingRows,
  carriedConfig,
  type ContributionRows,
  type ModelCommitments,
  modelCommitments,
  type TrainedArtifact,
  trainArtifact,
} from "./train.ts";

/**
 * The I/O around ./train.ts: contribution records from L2, their rows and models from the
 * store, the trained model back to the store, its registration on L2 (docs/attribution.md §10).
 */

/** Where the chain is read: the sequencer's RPC and the deployment's tree sizes. */
export interface ChainAccess {
  readonly provider: OpenLedgerProvider;
  readonly params: ProtocolParams;
}

/** Rows loaded so far, over every contribution (`contribution` is the one just loaded). */
export interface LoadProgress {
  readonly contribution: number;
  readonly rows: number;
  readonly totalRows: number;
}

/** A model's training set as a prover rebuilds it from L2 and the store. */
export interface LoadedContributions {
  readonly records: readonly ContributionInfo[];
  readonly parts: readonly ContributionRows[];
}

/**
 * Each contribution's record from L2 and its rows from the store, found by the record's
 * contentRoot and checked against it (the caller's key must hold a grant), in id order.
 * Everything is fetched and checked before anything is trained on.
 */
export async function loadContributions(
  chain: ChainAccess,
  store: StoreClient,
  ids: readonly number[],
  onProgress?: (p: LoadProgress) => void,
): Promise<LoadedContributions> {
  ids.forEach((id, j) => {
    if (!Number.isInteger(id) || id < 1) throw invalid(`contribution id ${id} is not an id >= 1`);
    if (j > 0 && id <= ids[j - 1]!)
      throw invalid(
        `contribution ids must be strictly increasing (registration order): ${id} follows ${ids[j - 1]}`,
      );
  });
  const records = await Promise.all(
    ids.map(async (id) => {
      const c = await chain.provider.getContribution(id);
      if (!c) throw new OpenLedgerError(ErrorCode.UnknownContribution, `contribution ${id} does not exist`);
      return c;
    }),
  );
  const totalRows = records.reduce((s, c) => s + c.rowCount, 0);
  let loaded = 0;
  const parts: ContributionRows[] = [];
  for (const c of records) {
    let rows;
    try {
      rows = await fetchRowsByContent(store, BigInt(c.contentRoot));
    } catch (e) {
      if (e instanceof StoreError)
        throw new StoreError(e.code, `contribution ${c.id}: ${e.message}`, { cause: e });
      throw e;
    }
    // Trailing empty leaves leave the root unchanged: the count is checked on its own.
    if (rows.count !== c.rowCount) {
      throw new StoreError(
        StoreErrorCode.ContentRootMismatch,
        `contribution ${c.id} records ${c.rowCount} rows, its stored rows are ${rows.count}`,
      );
    }
    parts.push({ id: c.id, rows });
    loaded += rows.count;
    onProgress?.({ contribution: c.id, rows: loaded, totalRows });
  }
  return { records, parts };
}

/** What to train: the contributions, the architecture and hyper-parameters (defaults: DEFAULT_TRAIN). */
export interface TrainRequest {
  readonly contributions: readonly number[];
  /**
   * Model id to fine-tune: its bytes are the warm start, its architecture is kept, and the
   * configuration its bytes carry gives the defaults.
   */
  readonly base?: number;
  readonly hidden?: readonly number[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
  readonly headL2?: number;
  readonly seed?: string;
  /** Number of classes; by default the base model's, or the largest label seen plus one. */
  readonly classes?: number;
  readonly onLoad?: (p: LoadProgress) => void;
  readonly onTrain?: (p: TrainProgress) => void;
}

export interface TrainedFromStore extends TrainedArtifact {
  /** The base model's id, 0 when trained from scratch. */
  readonly baseModel: number;
}

/** Loads the contributions' rows (and the base model) from L2 and the store, then trains. */
export async function trainFromStore(
  chain: ChainAccess,
  store: StoreClient,
  req: TrainRequest,
): Promise<TrainedFromStore> {
  const base = req.base ? await loadModelBytes(chain, store, req.base) : undefined;
  const { parts } = await loadContributions(chain, store, req.contributions, req.onLoad);
  const baseMlp = base && decodeMlp(base.bytes);
  if (baseMlp && req.hidden) {
    const have = hiddenLayers(baseMlp).map((l) => l.outDim);
    if (have.join() !== req.hidden.join())
      throw invalid(
        `a fine-tune keeps its base's hidden widths (${have.join(",")}), not ${req.hidden.join(",")}`,
      );
  }
  const maxLabel = Math.max(...parts.map((p) => p.rows.labels.reduce((m, l) => Math.max(m, l), 0)));
  const classes = req.classes ?? (baseMlp ? classCount(baseMlp) : Math.max(2, maxLabel + 1));
  const rows = assembleTrainingRows(parts, classes);
  // A fine-tune keeps its base's architecture, and its hyper-parameters unless told otherwise.
  const defaults = (base && carriedConfig(base.bytes)) ?? { ...DEFAULT_TRAIN, headL2: DEFAULT_HEAD_L2 };
  const config: TrainingConfig = {
    trainerVersion: TRAINER_VERSION,
    inputDim: baseMlp ? inputDim(baseMlp) : rows.dim,
    classes,
    hidden: baseMlp ? hiddenLayers(baseMlp).map((l) => l.outDim) : (req.hidden ?? defaults.hidden),
    epochs: req.epochs ?? defaults.epochs,
    batchSize: req.batchSize ?? defaults.batchSize,
    learningRate: req.learningRate ?? defaults.learningRate,
    momentum: req.momentum ?? defaults.momentum,
    weightDecay: req.weightDecay ?? defaults.weightDecay,
    headL2: req.headL2 ?? baseMlp?.headL2 ?? defaults.headL2,
    seed: req.seed ?? defaults.seed,
    base: base ? BigInt(base.record.modelHash) : 0n,
  };
  const artifact = trainArtifact(rows, config, chain.params, { base: base?.bytes, onProgress: req.onTrain });
  return { ...artifact, baseModel: req.base ?? 0 };
}

/**
 * Uploads the model encrypted, indexed under its modelHash, with a key envelope for each
 * reader (the inference operators and provers who will run and value it).
 */
export async function uploadModel(
  store: StoreClient,
  bytes: Uint8Array,
  hash: bigint,
  readers: readonly Reader[] = [],
  onProgress?: (sent: number, total: number) => void,
): Promise<BlobRecord> {
  const { blob } = await store.put({
    kind: "model",
    plaintextLength: bytes.length,
    plaintext: async function* () {
      yield bytes;
    },
    contentHash: fieldToHex(hash),
    readers,
    onProgress,
  });
  return blob;
}

export interface TrainAndRegisterRequest extends TrainRequest {
  /** Price of one inference, in base units. */
  readonly inferenceFee: bigint;
  /** The register-model transaction's fee. */
  readonly txFee?: bigint;
  readonly readers?: readonly Reader[];
  readonly onUpload?: (sent: number, total: number) => void;
}

export interface Registered {
  readonly artifact: TrainedFromStore;
  readonly blob: BlobRecord;
  readonly submitted: SubmitResult;
  /** The new model's id; undefined while the transaction waits for an earlier nonce. */
  readonly model?: number;
}

/**
 * Train, upload, register (the SDK's one call for it): the model is stored before it is
 * registered, so a registered model's bytes are always there for its readers. A refused
 * registration leaves the uploaded blob unreferenced.
 */
export async function trainAndRegister(
  wallet: L2Wallet,
  store: StoreClient,
  req: TrainAndRegisterRequest,
): Promise<Registered> {
  const artifact = await trainFromStore(wallet, store, req);
  const blob = await uploadModel(store, artifact.bytes, artifact.modelHash, req.readers, req.onUpload);
  const submitted = await wallet.registerModel(
    {
      modelHash: artifact.modelHash,
      trainingConfigHash: artifact.trainingConfigHash,
      contributions: artifact.contributions,
      checkpointCommitment: artifact.checkpointCommitment,
      inferenceFee: req.inferenceFee,
      baseModel: artifact.baseModel,
    },
    { fee: req.txFee ?? 0n },
  );
  const receipt =
    submitted.status === "executed" ? await wallet.provider.getTransactionReceipt(submitted.txHash) : null;
  return { artifact, blob, submitted, model: receipt?.created?.id };
}

/** A registered model's record and its bytes from the store, checked against its modelHash. */
export async function loadModelBytes(
  chain: ChainAccess,
  store: StoreClient,
  id: number,
): Promise<{ record: ModelInfo; bytes: Uint8Array; blob: BlobRecord }> {
  const record = await chain.provider.getModel(id);
  if (!record) throw new OpenLedgerError(ErrorCode.UnknownModel, `model ${id} does not exist`);
  const { bytes, blob } = await fetchModel(store, BigInt(record.modelHash));
  return { record, bytes, blob };
}

export interface TrainingSet {
  readonly record: ModelInfo;
  readonly bytes: Uint8Array;
  readonly rows: TrainingRows;
  /** The configuration the model's bytes carry, if they carry one (models trained here do). */
  readonly config?: TrainingConfig;
  /** The register-model values recomputed from the fetched rows and bytes. */
  readonly recomputed: ModelCommitments;
  /** Record fields the recomputation does not reproduce (empty: the record is what it claims). */
  readonly mismatches: readonly string[];
}

/**
 * What a prover rebuilds, from L2 and the store alone, of registered model `id`: its bytes
 * (checked against modelHash), the exact TrainingRows it was trained and is valued on (its
 * training set's rows, checked against each contentRoot), and the register-model values
 * recomputed from them, compared with the record.
 */
export async function loadTrainingSet(
  chain: ChainAccess,
  store: StoreClient,
  id: number,
): Promise<TrainingSet> {
  const { record, bytes } = await loadModelBytes(chain, store, id);
  if (!record.contributions || !record.trainingConfigHash) {
    throw new OpenLedgerError(ErrorCode.StateCorrupt, `the sequencer keeps no training set for model ${id}`);
  }
  const mlp = decodeMlp(bytes);
  const { parts } = await loadContributions(chain, store, record.contributions);
  const rows = assembleTrainingRows(parts, classCount(mlp));
  const recomputed = modelCommitments(bytes, rows, BigInt(record.trainingConfigHash), chain.params);
  const config = carriedConfig(bytes);
  const mismatches: string[] = (["modelHash", "trainingDescriptor", "checkpointCommitment"] as const).filter(
    (k) => BigInt(record[k]) !== recomputed[k],
  );
  if (config && trainingConfigHash(config) !== recomputed.trainingConfigHash)
    mismatches.push("trainingConfigHash");
  return { record, bytes, rows, config, recomputed, mismatches };
}

const invalid = (why: string) => new ProverError(ProverErrorCode.InvalidTraining, why);
