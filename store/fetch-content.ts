import { fieldToHex, type Field } from "../protocol/field.ts";
import { modelHash } from "../protocol/provenance/model-hash.ts";
import type { BlobKindName } from "./blob-format.ts";
import type { StoreClient } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import type { BlobRecord } from "./index-db.ts";

export interface FetchedContent {
  readonly blob: BlobRecord;
  readonly bytes: Uint8Array;
}

/**
 * The plaintext the chain records as `contentHash`, found through the store's content index
 * among the blobs of `kind` the caller may read, and accepted only if it hashes to it under
 * `hashOf`. The uploader's declaration is a hint: a blob whose plaintext does not match is
 * skipped, and the next one tried, so a wrong or hostile upload cannot stand in for the
 * content. CONTENT_MISMATCH when blobs exist but none matches, NOT_FOUND when none exists.
 */
export async function fetchByContent(
  client: StoreClient,
  kind: BlobKindName,
  contentHash: Field,
  hashOf: (plaintext: Uint8Array) => Field,
): Promise<FetchedContent> {
  const hex = fieldToHex(contentHash);
  const blobs = (await client.findByContent(hex)).filter((b) => b.kind === kind);
  for (const blob of blobs) {
    const bytes = await client.get(blob.id);
    if (hashOf(bytes) === contentHash) return { blob, bytes };
  }
  throw blobs.length === 0
    ? new StoreError(StoreErrorCode.NotFound, `no ${kind} blob with content ${hex} readable by this key`)
    : new StoreError(
        StoreErrorCode.ContentMismatch,
        `${blobs.length} ${kind} blob(s) claim content ${hex}; none hashes to it`,
      );
}

/** A registered model's ONNX bytes, checked against its modelHash (docs/protocol.md §10). */
export function fetchModel(client: StoreClient, hash: Field): Promise<FetchedContent> {
  return fetchByContent(client, "model", hash, modelHash);
}
