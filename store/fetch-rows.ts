import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { fieldToHex } from "../protocol/field.ts";
import { rowHash } from "../protocol/provenance/rows.ts";
import { blobIdCandidates } from "../protocol/provenance/uri-commitment.ts";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import type { ContributionInfo } from "../sdk/wire.ts";
import { CONTRIBUTION_KINDS } from "./blob-format.ts";
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

/**
 * The blob a contribution's rows are in, by the uriCommitment rule (docs/protocol.md §10):
 * of the ids the commitment can stand for, the one this store holds. The store's record of
 * it must be a blob of `kind` (a text contribution's is a documents blob; either, when no
 * kind is named, as for a grant) and of the contribution's contentRoot; the rows themselves
 * are checked again when fetched.
 */
export async function contributionBlob(
  client: StoreClient,
  c: ContributionInfo,
  kind?: "rows" | "documents",
): Promise<string> {
  const what = kind ?? "rows";
  for (const id of blobIdCandidates(BigInt(c.uriCommitment))) {
    let blob: BlobRecord;
    try {
      blob = (await client.blobInfo(id)).blob;
    } catch (e) {
      if (e instanceof StoreError && e.code === StoreErrorCode.NotFound) continue;
      if (e instanceof StoreError && e.code === StoreErrorCode.NotGranted) {
        throw new StoreError(
          StoreErrorCode.NotGranted,
          `contribution ${c.id}'s ${what} are blob ${id}, which you may not read: its owner (account ${c.owner}) grants it with \`openledger grant --contribution ${c.id} --to <your key:box>\``,
        );
      }
      throw e;
    }
    const kindFits = kind === undefined ? CONTRIBUTION_KINDS.has(blob.kind) : blob.kind === kind;
    if (!kindFits || BigInt(blob.contentRoot ?? -1) !== BigInt(c.contentRoot)) {
      throw new StoreError(
        StoreErrorCode.ContentRootMismatch,
        `blob ${id} holds ${kindFits ? `${blob.kind} of contentRoot ${blob.contentRoot}` : `a ${blob.kind} blob`}, not contribution ${c.id}'s ${what} (contentRoot ${c.contentRoot})`,
      );
    }
    return id;
  }
  throw new StoreError(
    StoreErrorCode.NotFound,
    `this store holds no blob for contribution ${c.id} (uriCommitment ${c.uriCommitment})`,
  );
}

/**
 * A contribution's rows by its id, as a prover or curator reads them: the record from the
 * sequencer, its blob found by the uriCommitment rule, the rows checked against the
 * record's contentRoot (CONTENT_ROOT_MISMATCH otherwise) and its rowCount.
 */
export async function fetchContributionRows(
  provider: OpenLedgerProvider,
  client: StoreClient,
  id: number,
): Promise<FetchedRows & { readonly contribution: ContributionInfo; readonly blobId: string }> {
  const contribution = await provider.getContribution(id);
  if (!contribution) throw new OpenLedgerError(ErrorCode.UnknownContribution, `no contribution ${id} on L2`);
  const blobId = await contributionBlob(client, contribution, "rows");
  const rows = await fetchRows(client, blobId, BigInt(contribution.contentRoot));
  if (rows.count !== contribution.rowCount) {
    throw new StoreError(
      StoreErrorCode.ContentRootMismatch,
      `blob ${blobId} holds ${rows.count} rows, contribution ${id} records ${contribution.rowCount}`,
    );
  }
  return { ...rows, contribution, blobId };
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
