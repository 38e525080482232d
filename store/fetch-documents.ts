import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { fieldToHex } from "../protocol/field.ts";
import { decodeDocuments } from "../protocol/text/documents.ts";
import { textRoot, tokenStream } from "../protocol/text/text-root.ts";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import type { ContributionInfo } from "../sdk/wire.ts";
import type { StoreClient } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { contributionBlob } from "./fetch-rows.ts";

/**
 * A text contribution's documents as a trainer or prover reads them (docs/store.md,
 * "Contributing documents"): found by the uriCommitment rule, decrypted, decoded
 * (INVALID_DOCUMENTS for bytes that are no documents file), tokenized, and refused
 * (CONTENT_ROOT_MISMATCH, naming the contribution) unless their textRoot and count are the
 * contentRoot and rowCount the chain records. Hashing the chunks takes about 4 s a megabyte
 * of text, on the calling thread.
 */
export interface FetchedDocuments {
  readonly contribution: ContributionInfo;
  readonly blobId: string;
  /** In file order, NFC. */
  readonly documents: readonly string[];
  /** Their token stream (docs/protocol.md §12.2), whose textRoot is the contentRoot. */
  readonly stream: Uint16Array;
}

export async function fetchContributionDocuments(
  provider: OpenLedgerProvider,
  client: StoreClient,
  id: number,
): Promise<FetchedDocuments> {
  const contribution = await provider.getContribution(id);
  if (!contribution) throw new OpenLedgerError(ErrorCode.UnknownContribution, `no contribution ${id} on L2`);
  const blobId = await contributionBlob(client, contribution, "documents");
  const documents = decodeDocuments(await client.get(blobId));
  const stream = tokenStream(documents);
  const root = fieldToHex(textRoot(stream));
  if (BigInt(root) !== BigInt(contribution.contentRoot) || documents.length !== contribution.rowCount) {
    throw new StoreError(
      StoreErrorCode.ContentRootMismatch,
      `contribution ${id}'s blob ${blobId} holds ${documents.length} documents of textRoot ${root}; the chain records ${contribution.rowCount} of contentRoot ${contribution.contentRoot}`,
    );
  }
  return { contribution, blobId, documents, stream };
}
