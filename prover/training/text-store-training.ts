import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { TOKENIZER_HASH } from "../../protocol/text/tokenizer.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import type { ContributionInfo } from "../../sdk/wire.ts";
import type { Reader, StoreClient } from "../../store/client.ts";
import { type ChainAccess, uploadModel } from "./store-training.ts";
import {
  type ContributionText,
  DEFAULT_TEXT_CONFIG,
  type TextArtifact,
  trainTextArtifact,
} from "./text-train.ts";

/**
 * Training a text model from a text Datanet: the contributions' records from L2, their
 * documents through `documents`, the model trained (./text-train.ts), uploaded and
 * registered as `trainAndRegister` does for an MLP.
 */

/**
 * A text contribution's documents, in stream order, as the store holds them: fetched by the
 * record's contentRoot and refused unless textRoot(tokenStream(documents)) is that root and
 * their number is its rowCount. The store's document fetch (text Datanets) provides it.
 */
export type FetchDocuments = (contribution: ContributionInfo) => Promise<readonly string[]>;

export interface TextTrainRequest {
  readonly contributions: readonly number[];
  readonly order?: number;
  readonly topK?: number;
}

/** Every contribution's documents (all fetched and checked before anything trains), then the model. */
export async function trainTextFromStore(
  chain: ChainAccess,
  documents: FetchDocuments,
  req: TextTrainRequest,
): Promise<TextArtifact> {
  const parts: ContributionText[] = [];
  for (const id of req.contributions) {
    const record = await chain.provider.getContribution(id);
    if (!record)
      throw new OpenLedgerError(ErrorCode.UnknownContribution, `contribution ${id} does not exist`);
    parts.push({ id, documents: await documents(record) });
  }
  return trainTextArtifact(
    parts,
    {
      trainerVersion: DEFAULT_TEXT_CONFIG.trainerVersion,
      order: req.order ?? DEFAULT_TEXT_CONFIG.order,
      topK: req.topK ?? DEFAULT_TEXT_CONFIG.topK,
      tokenizerHash: TOKENIZER_HASH,
    },
    chain.params,
  );
}

export interface TextTrainAndRegisterRequest extends TextTrainRequest {
  readonly inferenceFee: bigint;
  readonly txFee?: bigint;
  readonly readers?: readonly Reader[];
}

/** Train, upload (encrypted, for `readers`), register; the model is stored before it is registered. */
export async function trainTextAndRegister(
  wallet: L2Wallet,
  store: StoreClient,
  documents: FetchDocuments,
  req: TextTrainAndRegisterRequest,
) {
  const artifact = await trainTextFromStore(wallet, documents, req);
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
