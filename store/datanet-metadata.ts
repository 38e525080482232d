import { createHash } from "node:crypto";
import {
  canonicalMetadata,
  type DatanetMetadata,
  metadataFromBytes,
  metadataHash,
} from "../protocol/datanet/metadata.ts";
import { type Field, fieldToHex } from "../protocol/field.ts";
import { digestToField } from "../protocol/provenance/rows.ts";
import { StoreClient } from "./client.ts";
import { fetchByContent } from "./fetch-content.ts";
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
 * Stores a document's canonical bytes as a raw blob the public reader may read, recorded in
 * the content index under its metadataHash.
 */
export async function putMetadata(
  client: StoreClient,
  m: DatanetMetadata,
): Promise<{ readonly blobId: string; readonly metadataHash: Field }> {
  const bytes = canonicalMetadata(m);
  const hash = metadataHash(m);
  const { blob } = await client.put({
    kind: "raw",
    plaintextLength: bytes.length,
    plaintext: async function* () {
      yield bytes;
    },
    readers: [{ identity: publicReaderKey().identity, role: "reader" }],
    contentHash: fieldToHex(hash),
  });
  return { blobId: blob.id, metadataHash: hash };
}

/**
 * The document a metadataHash names, read by anyone (as the public reader) through the
 * content index: a blob whose bytes do not hash to it is skipped (CONTENT_MISMATCH if none
 * does, NOT_FOUND if no public blob claims it), and the one that does must be canonical.
 */
export async function fetchMetadata(storeUrl: string, expected: Field): Promise<DatanetMetadata> {
  const client = new StoreClient(storeUrl, publicReaderKey());
  try {
    const sha = (bytes: Uint8Array) => digestToField(createHash("sha256").update(bytes).digest());
    const { bytes } = await fetchByContent(client, "raw", expected, sha);
    return metadataFromBytes(bytes, expected);
  } finally {
    client.close();
  }
}
