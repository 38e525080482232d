import { fieldToHex } from "../protocol/field.ts";
import { rowHash } from "../protocol/provenance/rows.ts";
import type { StoreClient } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import type { BlobRecord } from "./index-db.ts";
import { rowsContentRoot, splitRows } from "./rows.ts";

/**
 * A contribution's rows as a prover (or curator) reads them: downloaded, decrypted, every
 * row rehashed and the contentRoot rebuilt and compared with the one the chain records, so
 * nothing reaches the attribution engine that the contribution did not commit to.
 */
export interface FetchedRows {
  readonly count: number;
  readonly dim: number;
  readonly labels: Uint32Array;
  /** count × dim, row-major: each feature as q / 2^16, the value the row hash commits to. */
  readonly features: Float64Array;
  /** 32 bytes a row, row order. */
  readonly rowHashes: Uint8Array;
}

/** Rows of blob `blobId`, refused (CONTENT_ROOT_MISMATCH) unless they give `contentRoot`. */
export async function fetchRows(
  client: StoreClient,
  blobId: string,
  contentRoot: bigint,
): Promise<FetchedRows> {
  const rows = splitRows(await client.get(blobId));
  const count = rows.length;
  const dim = count === 0 ? 0 : new DataView(rows[0]!.buffer).getUint32(4);
  const labels = new Uint32Array(count);
  const features = new Float64Array(count * dim);
  const rowHashes = new Uint8Array(count * 32);
  rows.forEach((row, i) => {
    const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
    if (view.getUint32(4) !== dim) {
      throw new StoreError(
        StoreErrorCode.InvalidBlob,
        `row ${i} has ${view.getUint32(4)} features, row 0 has ${dim}`,
      );
    }
    labels[i] = view.getUint32(0);
    for (let j = 0; j < dim; j++) {
      const at = 8 + j * 8;
      features[i * dim + j] = (view.getInt32(at) * 2 ** 32 + view.getUint32(at + 4)) / 2 ** 16;
    }
    rowHashes.set(rowHash(row), i * 32);
  });
  const root = rowsContentRoot(rowHashes);
  if (BigInt(root) !== contentRoot) {
    throw new StoreError(
      StoreErrorCode.ContentRootMismatch,
      `blob ${blobId} holds rows with contentRoot ${root}, not the one recorded`,
    );
  }
  return { count, dim, labels, features, rowHashes };
}

/** Failures that condemn one stored copy of the rows, not the search: the next copy is tried. */
const BAD_COPY: ReadonlySet<StoreErrorCode> = new Set([
  StoreErrorCode.ContentRootMismatch,
  StoreErrorCode.BlobCorrupt,
  StoreErrorCode.BlobTruncated,
  StoreErrorCode.InvalidBlob,
  StoreErrorCode.DecryptFailed,
]);

/**
 * The rows the chain records as `contentRoot`, found through the store's content index among
 * the rows blobs the caller may read (docs/store.md, "Finding content by its on-chain hash"),
 * each checked by `fetchRows`. A copy that is damaged or holds other rows is skipped, so a
 * hostile upload cannot stand in for the contribution; when every copy fails, the first
 * failure's code is raised. NOT_FOUND when the caller may read no copy: the store does not
 * say whether one exists that it was not granted.
 */
export async function fetchRowsByContent(
  client: StoreClient,
  contentRoot: bigint,
): Promise<FetchedRows & { readonly blob: BlobRecord }> {
  const hex = fieldToHex(contentRoot);
  const blobs = (await client.findByContent(hex)).filter((b) => b.kind === "rows");
  if (blobs.length === 0) {
    throw new StoreError(
      StoreErrorCode.NotFound,
      `no rows blob with contentRoot ${hex} that key ${client.key.identity.key} may read: not stored, or not granted to it`,
    );
  }
  const failures: StoreError[] = [];
  for (const blob of blobs) {
    try {
      return { ...(await fetchRows(client, blob.id, contentRoot)), blob };
    } catch (e) {
      if (!(e instanceof StoreError && BAD_COPY.has(e.code))) throw e;
      failures.push(e);
    }
  }
  throw new StoreError(
    failures[0]!.code,
    `no rows blob with contentRoot ${hex} holds rows that give it: ${failures.map((f) => f.message).join("; ")}`,
  );
}
