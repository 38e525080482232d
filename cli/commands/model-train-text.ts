import { fieldToHex } from "../../protocol/field.ts";
import type { L2Wallet } from "../../sdk/wallet.ts";
import type { Reader, StoreClient } from "../../store/client.ts";
import { StoreError, StoreErrorCode } from "../../store/errors.ts";
import { output } from "./common.ts";
import { datanetMetadata } from "./datanet.ts";

/**
 * Whether Datanet `id` is a text Datanet (metadata version 2). A Datanet whose metadata
 * document no store blob claims is tabular, as every Datanet was before text ones.
 */
export async function isTextDatanet(rpc: string, storeUrl: string, id: number): Promise<boolean> {
  try {
    return (await datanetMetadata(rpc, storeUrl, id)).version === 2;
  } catch (e) {
    if (e instanceof StoreError && e.code === StoreErrorCode.NotFound) return false;
    throw e;
  }
}

/**
 * `openledger model train --datanet D` on a text Datanet: the n-gram text model trained on
 * the contributions' documents, each fetched from the store and checked against its
 * contentRoot (docs/inference.md "Text models"), uploaded for the readers and registered.
 */
export async function trainTextModel(
  o: { readonly json: boolean; readonly order?: number; readonly topK?: number },
  wallet: L2Wallet,
  store: StoreClient,
  r: { contributions: number[]; inferenceFee: bigint; txFee: bigint; readers: Reader[] },
): Promise<void> {
  const [{ fetchContributionDocuments }, { trainTextAndRegister }] = await Promise.all([
    import("../../store/fetch-documents.ts"),
    import("../../prover/training/text-store-training.ts"),
  ]);
  const result = await trainTextAndRegister(
    wallet,
    store,
    (id) => fetchContributionDocuments(wallet.provider, store, id),
    { ...r, order: o.order, topK: o.topK },
  );
  const a = result.artifact;
  const summary = {
    model: result.model ?? null,
    txHash: result.submitted.txHash,
    status: result.submitted.status,
    kind: "ngram",
    modelHash: fieldToHex(a.modelHash),
    trainingConfigHash: fieldToHex(a.trainingConfigHash),
    trainingDescriptor: fieldToHex(a.trainingDescriptor),
    contributions: a.contributions,
    tokens: a.tokens,
    blob: result.blob.id,
    config: { ...a.config, tokenizerHash: fieldToHex(a.config.tokenizerHash) },
  };
  output(o.json, summary, () =>
    [
      result.model === undefined
        ? `registration queued until the account's earlier nonces arrive`
        : `registered text model ${result.model}`,
      `tx                  ${summary.txHash}`,
      `modelHash           ${summary.modelHash}`,
      `trained on          ${a.tokens} tokens of contributions ${a.contributions.join(", ")}`,
      `n-gram              order ${a.config.order}, top ${a.config.topK} continuations a context`,
      `stored as blob      ${summary.blob}`,
    ].join("\n"),
  );
}
