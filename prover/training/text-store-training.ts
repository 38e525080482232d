import type { ProtocolParams } from "../../protocol/params.ts";
import { TOKENIZER_HASH } from "../../protocol/text/tokenizer.ts";
import type { SubmitResult } from "../../sdk/provider.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import type { Reader, StoreClient } from "../../store/client.ts";
import type { BlobRecord } from "../../store/index-db.ts";
import { uploadModel } from "./store-training.ts";
import {
  type ContributionText,
  DEFAULT_TEXT_CONFIG,
  type TextArtifact,
  trainTextArtifact,
} from "./text-train.ts";

/**
 * Training a text model from a text Datanet: each contribution's documents through
 * `documents`, the model trained (./text-train.ts), uploaded and registered as
 * `trainAndRegister` does for an MLP.
 */

/**
 * A text contribution's documents, in stream order, as the store holds them: found through
 * the contribution's record on L2 and refused unless textRoot(tokenStream(documents)) is its
 * contentRoot and their number its rowCount. The store's `fetchContributionDocuments(provider,
 * store, id)` (store/fetch-documents.ts) has this shape.
 */
export type FetchDocuments = (contribution: number) => Promise<{ readonly documents: readonly string[] }>;

export interface TextTrainRequest {
  readonly contributions: readonly number[];
  readonly order?: number;
  readonly topK?: number;
}

/** Every contribution's documents (all fetched and checked before anything trains), then the model. */
export async function trainTextFromStore(
  params: ProtocolParams,
  documents: FetchDocuments,
  req: TextTrainRequest,
): Promise<TextArtifact> {
  const parts: ContributionText[] = [];
  for (const id of req.contributions) parts.push({ id, documents: (await documents(id)).documents });
  return trainTextArtifact(
    parts,
    {
      trainerVersion: DEFAULT_TEXT_CONFIG.trainerVersion,
      order: req.order ?? DEFAULT_TEXT_CONFIG.order,
      topK: req.topK ?? DEFAULT_TEXT_CONFIG.topK,
      tokenizerHash: TOKENIZER_HASH,
    },
    params,
  );
}

export interface TextTrainAndRegisterRequest extends TextTrainRequest {
  readonly inferenceFee: bigint;
  readonly txFee?: bigint;
  readonly readers?: readonly Reader[];
}

export interface RegisteredText {
  readonly artifact: TextArtifact;
  readonly blob: BlobRecord;
  readonly submitted: SubmitResult;
  /** The new model's id; undefined while the transaction waits for an earlier nonce. */
  readonly model?: number;
}

/** Train, upload (encrypted, for `readers`), register; the model is stored before it is registered. */
export async function trainTextAndRegister(
  wallet: L2Wallet,
  store: StoreClient,
  documents: FetchDocuments,
  req: TextTrainAndRegisterRequest,
): Promise<RegisteredText> {
  const artifact = await trainTextFromStore(wallet.params, documents, req);
  const blob = await uploadModel(store, artifact.bytes, artifact.modelHash, req.readers);
  const submitted = await wallet.registerModel(
    {
      modelHash: artifact.modelHash,
      trainingConfigHash: artifact.trainingConfigHash,
      contributions: artifact.contributions,
      checkpointCommitment: artifact.checkpointCommitment,
      inferenceFee: req.inferenceFee,
      baseModel: 0,
    },
    { fee: req.txFee ?? 0n },
  );
  const receipt =
    submitted.status === "executed" ? await wallet.provider.getTransactionReceipt(submitted.txHash) : null;
  return { artifact, blob, submitted, model: receipt?.created?.id };
}
