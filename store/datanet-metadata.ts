import { createHash } from "node:crypto";
import {
  canonicalMetadata,
  type DatanetMetadata,
  metadataFromBytes,
  metadataHash,
} from "../protocol/datanet/metadata.ts";
import type { Field } from "../protocol/field.ts";
import { StoreClient } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { StoreKey } from "./identity.ts";

/**
 * Datanet metadata documents in the store (docs/store.md, "Public blobs"). The store has no
 * unauthenticated reads, so "public" is a reader whose secret is published here: every blob
 * wrapped for it can be read by anyone, through the same signed requests and the same
 * checks (blob id, decryption, then metadataHash) as any other read.
 */
const PUBLIC_READER_SECRET = createHash("sha256").update("openledger.store.v1 public reader").digest();

/** The published reader's key: anyone may sign as it. */
export function publicReaderKey(): StoreKey {
  return new StoreKey(new Uint8Array(PUBLIC_READER_SECRET));
}

/**
 * Bound on a fetched document's stored size, so a wrong blob id does not start a large
 * download: a valid document is under 6 × (name + description) characters escaped.
 */
const MAX_METADATA_BLOB_BYTES = 256 * 1024;

/** Stores a document's canonical bytes as a raw blob the public reader may read. */
export async function putMetadata(
  client: StoreClient,
  m: DatanetMetadata,
): Promise<{ readonly blobId: string; readonly metadataHash: Field }> {
  const bytes = canonicalMetadata(m);
  const { blob } = await client.put({
    kind: "raw",
    plaintextLength: bytes.length,
    plaintext: async function* () {
      yield bytes;
    },
    readers: [{ identity: publicReaderKey().identity, role: "reader" }],
  });
  return { blobId: blob.id, metadataHash: metadataHash(m) };
}

/**
 * A document fetched by anyone (as the public reader) and checked: the bytes must be
 * canonical and hash to `expected` (METADATA_MISMATCH otherwise).
 */
export async function fetchMetadata(
  storeUrl: string,
  blobId: string,
  expected: Field,
): Promise<DatanetMetadata> {
  const client = new StoreClient(storeUrl, publicReaderKey());
  try {
    const { blob } = await client.blobInfo(blobId);
    if (blob.size > MAX_METADATA_BLOB_BYTES) {
      throw new StoreError(
        StoreErrorCode.InvalidBlob,
        `blob ${blobId} holds ${blob.size} bytes, more than a metadata document`,
      );
    }
    return metadataFromBytes(await client.get(blobId), expected);
  } finally {
    client.close();
  }
}
