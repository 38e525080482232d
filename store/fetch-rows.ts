import { rowHash } from "../protocol/provenance/rows.ts";
import type { StoreClient } from "./client.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
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
