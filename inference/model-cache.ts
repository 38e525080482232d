import type { Field } from "../protocol/field.ts";
import { TOKENIZER_HASH } from "../protocol/text/tokenizer.ts";
import type { ModelContext } from "../prover/attribution/context.ts";
import { classCount, inputDim, type Mlp } from "../prover/models/mlp.ts";
import { decodeMlp } from "../prover/models/onnx.ts";
import { OnnxModel } from "../prover/models/runtime.ts";
import { modelKind } from "../prover/models/kind.ts";
import { type NextTokenModel, OnnxNgram } from "../prover/models/ngram-runtime.ts";
import type { TextTrainingConfig } from "../prover/training/text-config.ts";
import { carriedTextConfig } from "../prover/training/text-train.ts";
import { type BatchOptions, type BatchRun, MicroBatcher } from "./batcher.ts";
import { servingContext } from "./check.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";

/** A model as L2 records it: what the node needs of `ol_getModel`. */
export interface RegisteredModel {
  readonly modelHash: Field;
  readonly inferenceFee: bigint;
}

/**
 * Where models come from: the registry on L2 (null: no such model) and the store, which
 * must return bytes that hash to the modelHash (store/fetch-content.ts: fetchModel).
 */
export interface ModelSource {
  registered(id: number): Promise<RegisteredModel | null>;
  bytes(modelHash: Field): Promise<Uint8Array>;
}

export interface ModelRunner {
  run: BatchRun;
  release(): Promise<void>;
}

/** Opens a runtime session over model bytes; onnxruntime-node unless a caller passes another. */
export type ModelLoader = (bytes: Uint8Array, inputDim: number) => Promise<ModelRunner>;

export const onnxLoader: ModelLoader = (bytes, dim) => OnnxModel.load(bytes, dim);

/** Opens a text model's runtime session; onnxruntime-node unless a caller passes another. */
export type TextModelLoader = (bytes: Uint8Array, order: number) => Promise<NextTokenModel>;

export const onnxTextLoader: TextModelLoader = (bytes, order) => OnnxNgram.load(bytes, order);

export type ServedModel = ServedClassifier | ServedTextModel;

export interface ServedClassifier {
  readonly kind: "mlp";
  readonly id: number;
  readonly modelHash: Field;
  readonly fee: bigint;
  readonly mlp: Mlp;
  readonly inputDim: number;
  readonly classes: number;
  /** Attribution context without training rows: the feature commitment needs none. */
  readonly ctx: ModelContext;
  readonly batcher: MicroBatcher;
  readonly runner: ModelRunner;
}

/** A text model: an n-gram whose next tokens come from its onnxruntime session. */
export interface ServedTextModel {
  readonly kind: "ngram";
  readonly id: number;
  readonly modelHash: Field;
  readonly fee: bigint;
  readonly config: TextTrainingConfig;
  readonly runner: NextTokenModel;
}

/**
 * Registered models loaded on first use, each checked against its modelHash before it runs,
 * at most `maxModels` at a time (the least recently used is released). A failed load is not
 * kept: a model uploaded or granted later loads on the next request.
 */
export class ModelCache {
  private readonly models = new Map<number, Promise<ServedModel>>();

  constructor(
    private readonly source: ModelSource,
    private readonly o: BatchOptions & { maxModels: number; load: ModelLoader; loadText: TextModelLoader },
  ) {}

  get(id: number): Promise<ServedModel> {
    let entry = this.models.get(id);
    if (entry) {
      // Map order is recency order: move it to the back.
      this.models.delete(id);
    } else {
      entry = this.load(id);
      const loading = entry;
      loading.catch(() => {
        if (this.models.get(id) === loading) this.models.delete(id);
      });
    }
    this.models.set(id, entry);
    this.evict();
    return entry;
  }

  /** The models loaded so far (for batching statistics). */
  async loaded(): Promise<ServedModel[]> {
    const all = await Promise.allSettled(this.models.values());
    return all.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  }

  async close(): Promise<void> {
    for (const m of await this.loaded()) await m.runner.release();
    this.models.clear();
  }

  private evict(): void {
    while (this.models.size > this.o.maxModels) {
      const [oldest, entry] = this.models.entries().next().value!;
      this.models.delete(oldest);
      entry.then((m) => m.runner.release()).catch(() => {});
    }
  }

  private async load(id: number): Promise<ServedModel> {
    const registered = await this.source.registered(id);
    if (!registered) throw new InferenceError(InferenceErrorCode.UnknownModel, `no model ${id} on L2`);
    let bytes: Uint8Array;
    try {
      bytes = await this.source.bytes(registered.modelHash);
    } catch (e) {
      throw new InferenceError(
        InferenceErrorCode.ModelUnavailable,
        `model ${id}: no stored bytes this node may read hash to its modelHash (${(e as Error).message})`,
        { cause: e },
      );
    }
    if (modelKind(bytes) === "ngram") return this.loadText(id, registered, bytes);
    const mlp = decodeMlp(bytes);
    const dim = inputDim(mlp);
    const classes = classCount(mlp);
    const runner = await this.o.load(bytes, dim);
    return {
      kind: "mlp",
      id,
      modelHash: registered.modelHash,
      fee: registered.inferenceFee,
      mlp,
      inputDim: dim,
      classes,
      ctx: servingContext(mlp),
      batcher: new MicroBatcher(runner.run.bind(runner), dim, classes, this.o),
      runner,
    };
  }

  private async loadText(
    id: number,
    registered: RegisteredModel,
    bytes: Uint8Array,
  ): Promise<ServedTextModel> {
    const config = carriedTextConfig(bytes);
    if (!config) {
      throw new InferenceError(
        InferenceErrorCode.ModelUnavailable,
        `model ${id}: a text model without its training config`,
      );
    }
    // Token ids of another vocabulary would decode to other text and break every replay.
    if (config.tokenizerHash !== TOKENIZER_HASH) {
      throw new InferenceError(
        InferenceErrorCode.WrongTokenizer,
        `model ${id} was trained with tokenizer ${config.tokenizerHash.toString(16)}, not this node's`,
      );
    }
    return {
      kind: "ngram",
      id,
      modelHash: registered.modelHash,
      fee: registered.inferenceFee,
      config,
      runner: await this.o.loadText(bytes, config.order),
    };
  }
}
