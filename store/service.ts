import { createHash, type Hash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { BlobBackend } from "./backend.ts";
import { BlobKind, type BlobKindName, CONTRIBUTION_KINDS, HEADER_BYTES, TAG_BYTES } from "./blob-format.ts";
import { ENVELOPE_BYTES } from "./envelope.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { fromHex, type StoreIdentity } from "./identity.ts";
import type { Authenticated } from "./auth.ts";
import type { BlobRecord, EnvelopeRecord, IdentityRecord, StoreIndex, UploadRecord } from "./index-db.ts";
import type { RootThread } from "./root-thread.ts";
import { rowsContentRoot } from "./rows.ts";

/**
 * What the store does, apart from HTTP: upload sessions that resume, commits checked
 * against the blob id and the contentRoot, duplicates at the door, grants, and reads that
 * check the stored bytes against their id first. Callers arrive authenticated
 * (store/auth.ts); every access rule is here.
 */
export interface StoreLimits {
  /** Largest chunk one request may carry: what the server streams to disk before answering. */
  readonly maxChunkBytes: number;
  readonly maxBlobBytes: number;
  /** An upload no chunk has reached for this long expires: its staged bytes are deleted. */
  readonly uploadTtlMs: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  maxChunkBytes: 16 << 20,
  maxBlobBytes: 64 * 2 ** 30,
  uploadTtlMs: 24 * 3600_000,
};

export interface CreateUpload {
  readonly kind: BlobKindName;
  readonly size: number;
  readonly datanet?: number;
  /** Rows blobs: the rows' hashes; documents blobs: the documents'; 32 bytes each, in row order. */
  readonly rowHashes?: Uint8Array;
  /** Refuse the upload (DUPLICATE_ROWS) rather than mark rows already in the Datanet. */
  readonly refuseDuplicates?: boolean;
}

export interface CompleteUpload {
  readonly blobId: string;
  /**
   * Rows and documents blobs: the root the uploader computed, 0x hex. A rows blob's is checked
   * against its row hashes; a documents blob's (a textRoot, docs/protocol.md §12.3) is taken
   * as declared, since the store never sees the tokens: its readers check it.
   */
  readonly contentRoot?: string;
  /** Other kinds: the hash the chain records for the plaintext (modelHash, inputHash), 0x hex. */
  readonly contentHash?: string;
  /**
   * A blob that holds several contents (a batch of inference records): every hash it is to
   * be found by, 0x hex. Indexed like contentHash; the blob record keeps contentHash only.
   */
  readonly contentHashes?: readonly string[];
  readonly envelopes: readonly EnvelopeRecord[];
}

export class StoreService {
  private readonly busy = new Set<string>();
  private readonly datanetLocks = new Map<number, Promise<unknown>>();
  /** Per upload, SHA-256 of the bytes received so far, so completing need not read them again. */
  private readonly running = new Map<string, { hash: Hash; at: number }>();
  /** Per rows upload, its contentRoot being computed while the bytes arrive. */
  private readonly roots = new Map<string, Promise<string>>();
  /** Account key → box already in the identity directory: spares a write per request. */
  private readonly known = new Map<string, string>();

  constructor(
    readonly index: StoreIndex,
    readonly backend: BlobBackend,
    readonly limits: StoreLimits = DEFAULT_LIMITS,
    private readonly logger?: Logger,
    private readonly rootThread?: RootThread,
  ) {}

  async createUpload(caller: StoreIdentity, o: CreateUpload) {
    if (o.size < HEADER_BYTES + TAG_BYTES || o.size > this.limits.maxBlobBytes) {
      throw new StoreError(
        StoreErrorCode.InvalidRequest,
        `size must be in [${HEADER_BYTES + TAG_BYTES}, ${this.limits.maxBlobBytes}]`,
      );
    }
    const isRows = CONTRIBUTION_KINDS.has(o.kind);
    if (isRows !== (o.rowHashes !== undefined) || isRows !== (o.datanet !== undefined)) {
      throw new StoreError(
        StoreErrorCode.InvalidRequest,
        "a rows or documents upload, and only one, names its datanet and rowHashes",
      );
    }
    if (o.rowHashes && (o.rowHashes.length === 0 || o.rowHashes.length % 32 !== 0)) {
      throw new StoreError(
        StoreErrorCode.InvalidRequest,
        "rowHashes must be a non-empty list of 32-byte hashes",
      );
    }
    const upload: UploadRecord = {
      id: randomBytes(16).toString("hex"),
      owner: caller,
      kind: o.kind,
      size: o.size,
      datanet: o.datanet ?? null,
      rowCount: o.rowHashes ? o.rowHashes.length / 32 : null,
      refuseDuplicates: o.refuseDuplicates ?? false,
      createdAt: Date.now(),
      touchedAt: Date.now(),
    };
    // Early word on duplicates, so an uploader can stop before sending the bytes; the
    // check that counts is repeated at completion.
    const duplicates = o.rowHashes ? await this.duplicates(upload.datanet!, o.rowHashes) : [];
    if (duplicates.length > 0 && upload.refuseDuplicates) throw duplicateError(duplicates);
    await this.index.putUpload(upload, o.rowHashes);
    if (o.kind === "rows") this.startRoot(upload.id, o.rowHashes!);
    this.logger?.info(
      { upload: upload.id, kind: upload.kind, size: upload.size, rows: upload.rowCount },
      "upload opened",
    );
    return { upload, received: 0, duplicates };
  }

  async uploadStatus(caller: StoreIdentity, uploadId: string) {
    const upload = await this.ownUpload(caller, uploadId);
    return { upload, received: await this.backend.stagedSize(uploadId) };
  }

  /** Streams one chunk to the upload's staging; it must start where the upload stands. */
  async appendChunk(
    caller: StoreIdentity,
    uploadId: string,
    offset: number,
    bodyHash: string,
    body: AsyncIterable<Uint8Array>,
  ): Promise<number> {
    const upload = await this.ownUpload(caller, uploadId);
    return this.exclusive(uploadId, async () => {
      const received = await this.backend.stagedSize(uploadId);
      if (offset !== received) {
        throw new StoreError(
          StoreErrorCode.OffsetMismatch,
          `upload stands at ${received}, chunk starts at ${offset}`,
        );
      }
      const hasher = createHash("sha256");
      const before = this.running.get(uploadId);
      const running =
        before?.at === offset ? before.hash.copy() : offset === 0 ? createHash("sha256") : undefined;
      let length = 0;
      const written = await this.backend.append(uploadId, offset, body, (piece) => {
        length += piece.length;
        if (length > this.limits.maxChunkBytes) {
          throw new StoreError(
            StoreErrorCode.ChunkTooLarge,
            `a chunk carries at most ${this.limits.maxChunkBytes} bytes`,
          );
        }
        if (offset + length > upload.size) {
          throw new StoreError(
            StoreErrorCode.OffsetMismatch,
            `chunk runs past the declared size ${upload.size}`,
          );
        }
        hasher.update(piece);
        running?.update(piece);
      });
      if (hasher.digest("hex") !== bodyHash) {
        await this.backend.truncate(uploadId, offset);
        throw new StoreError(StoreErrorCode.BodyHashMismatch, "chunk does not hash to the signed body hash");
      }
      if (running) this.running.set(uploadId, { hash: running, at: offset + written });
      else this.running.delete(uploadId);
      await this.index.touchUpload(upload, Date.now());
      return offset + written;
    });
  }

  async complete(caller: StoreIdentity, uploadId: string, o: CompleteUpload) {
    const upload = await this.ownUpload(caller, uploadId);
    fromHex(o.blobId, 32, "blobId");
    for (const e of o.envelopes) checkEnvelope(e);
    if (!o.envelopes.some((e) => e.reader.key === caller.key && e.role === "owner")) {
      throw new StoreError(
        StoreErrorCode.InvalidRequest,
        "envelopes must include the owner's own (role owner)",
      );
    }
    if (o.envelopes.some((e) => e.role === "owner" && e.reader.key !== caller.key)) {
      throw new StoreError(StoreErrorCode.InvalidRequest, "only the uploader's envelope has role owner");
    }
    return this.exclusive(uploadId, async () => {
      const received = await this.backend.stagedSize(uploadId);
      if (received !== upload.size) {
        throw new StoreError(StoreErrorCode.UploadIncomplete, `${received} of ${upload.size} bytes received`);
      }
      const run = this.running.get(uploadId);
      this.running.delete(uploadId);
      // After a restart the running hash is gone: the staged bytes are read again.
      const actual =
        run?.at === received ? run.hash.digest("hex") : await sha256Of(this.backend.readStaged(uploadId));
      if (actual !== o.blobId) {
        throw new StoreError(
          StoreErrorCode.HashMismatch,
          `uploaded bytes hash to ${actual}, not ${o.blobId}`,
        );
      }
      const isRows = CONTRIBUTION_KINDS.has(upload.kind);
      if (isRows && (o.contentHash !== undefined || o.contentHashes !== undefined)) {
        throw new StoreError(
          StoreErrorCode.InvalidRequest,
          `a ${upload.kind} blob's content hash is its contentRoot`,
        );
      }
      const rowHashes = isRows ? await this.index.getUploadRows(uploadId) : undefined;
      let root: string | null = null;
      if (upload.kind === "rows") {
        root = await (this.roots.get(uploadId) ?? this.startRoot(uploadId, rowHashes!));
        if (o.contentRoot?.toLowerCase() !== root) {
          throw new StoreError(StoreErrorCode.ContentRootMismatch, `the row hashes give contentRoot ${root}`);
        }
      } else if (upload.kind === "documents") {
        if (o.contentRoot === undefined) {
          throw new StoreError(StoreErrorCode.InvalidRequest, "a documents blob names its contentRoot");
        }
        root = o.contentRoot.toLowerCase();
      }
      const commit = async () => {
        const duplicates = rowHashes ? await this.duplicates(upload.datanet!, rowHashes) : [];
        if (duplicates.length > 0 && upload.refuseDuplicates) throw duplicateError(duplicates);
        const blob: BlobRecord = {
          id: o.blobId,
          kind: upload.kind,
          size: upload.size,
          owner: upload.owner,
          datanet: upload.datanet,
          rowCount: upload.rowCount,
          contentRoot: root,
          contentHash: root ?? o.contentHash?.toLowerCase() ?? null,
          duplicateRows: duplicates.length,
          createdAt: Date.now(),
        };
        const dup = new Set(duplicates);
        const newRows = rowHashes ? range(rowHashes.length / 32).filter((i) => !dup.has(i)) : [];
        const existing = await this.index.getBlob(blob.id);
        if (existing) await this.backend.discard(uploadId);
        else await this.backend.commit(uploadId, blob.id);
        await this.index.commitBlob(
          existing ?? blob,
          o.envelopes,
          uploadId,
          rowHashes,
          existing ? [] : newRows,
          (o.contentHashes ?? []).map((h) => h.toLowerCase()),
        );
        this.logger?.info(
          { blob: blob.id, size: blob.size, rows: blob.rowCount, duplicates: duplicates.length },
          "blob stored",
        );
        return { blob: existing ?? blob, duplicates };
      };
      // Duplicate check and row index write happen under the Datanet's lock: two uploads of
      // the same rows cannot both see them as new.
      return upload.datanet === null ? commit() : this.underDatanet(upload.datanet, commit);
    });
  }

  /**
   * The blobs holding `contentHash` that the caller holds a key for. Blobs others cannot read
   * are left out, so the lookup tells nobody what is stored beyond what they may read.
   */
  async findByContent(caller: StoreIdentity, contentHash: string): Promise<BlobRecord[]> {
    const found: BlobRecord[] = [];
    for (const id of await this.index.blobsWithContent(contentHash.toLowerCase())) {
      const blob = await this.index.getBlob(id);
      if (blob && (await this.index.getEnvelope(id, caller.key))) found.push(blob);
    }
    return found;
  }

  /** The blob's record and the caller's envelope; NOT_GRANTED for anyone without one. */
  async blobInfo(caller: StoreIdentity, blobId: string) {
    const blob = await this.index.getBlob(blobId);
    if (!blob) throw new StoreError(StoreErrorCode.NotFound, `no blob ${blobId}`);
    const envelope = await this.index.getEnvelope(blobId, caller.key);
    if (!envelope)
      throw new StoreError(StoreErrorCode.NotGranted, `no key for this reader on blob ${blobId}`);
    return { blob, envelope };
  }

  /**
   * The stored bytes of a blob the caller may read, after checking them against the blob's
   * size and id: a damaged or altered file is refused (BLOB_TRUNCATED, BLOB_CORRUPT) rather
   * than served. The client checks again what it receives.
   */
  async readBlob(caller: StoreIdentity, blobId: string) {
    const { blob } = await this.blobInfo(caller, blobId);
    const size = await this.backend.size(blobId);
    if (size === undefined || size < blob.size) {
      this.logger?.error({ blob: blobId, size, expected: blob.size }, "stored blob is truncated");
      throw new StoreError(
        StoreErrorCode.BlobTruncated,
        `stored blob holds ${size ?? 0} of ${blob.size} bytes`,
      );
    }
    if (size !== blob.size || (await sha256Of(this.backend.read(blobId))) !== blobId) {
      this.logger?.error({ blob: blobId }, "stored blob does not hash to its id");
      throw new StoreError(StoreErrorCode.BlobCorrupt, "stored blob does not hash to its id");
    }
    return { blob, bytes: this.backend.read(blobId) };
  }

  /** Adds a reader's envelope; only the blob's owner may. */
  async grant(caller: StoreIdentity, blobId: string, e: EnvelopeRecord): Promise<void> {
    checkEnvelope(e);
    const blob = await this.index.getBlob(blobId);
    if (!blob) throw new StoreError(StoreErrorCode.NotFound, `no blob ${blobId}`);
    if (blob.owner.key !== caller.key)
      throw new StoreError(StoreErrorCode.NotOwner, "only the blob's owner grants");
    if (e.role === "owner") {
      throw new StoreError(StoreErrorCode.InvalidRequest, "a blob has one owner: its uploader");
    }
    await this.index.putEnvelope(blobId, e);
    this.logger?.info({ blob: blobId, reader: e.reader.key, role: e.role }, "read granted");
  }

  /**
   * Records the caller's box key in the identity directory (docs/store.md, "Readers"), with
   * the signed request that named it, so an uploader can wrap a key for an L2 account (a
   * curator, a prover) that has used this store once.
   */
  async noteIdentity(caller: Authenticated): Promise<void> {
    const { key, box } = caller.identity;
    if (this.known.get(key) === box) return;
    const stored = await this.index.getIdentity(key);
    if (stored?.box !== box) await this.index.putIdentity({ key, box, proof: caller.proof });
    this.known.set(key, box);
  }

  /** The box key an account key signed for: READER_UNKNOWN if it never used this store. */
  async identityOf(key: string): Promise<IdentityRecord> {
    fromHex(key, 32, "key");
    const found = await this.index.getIdentity(key);
    if (!found) {
      throw new StoreError(
        StoreErrorCode.ReaderUnknown,
        `no box key for account key ${key}: its holder has not used this store yet`,
      );
    }
    return found;
  }

  /** Starts computing an upload's contentRoot: on the root thread if there is one. */
  private startRoot(uploadId: string, rowHashes: Uint8Array): Promise<string> {
    const job = this.rootThread
      ? this.rootThread.contentRoot(rowHashes)
      : Promise.resolve().then(() => rowsContentRoot(rowHashes));
    job.catch(() => undefined); // awaited (and its failure reported) at completion
    this.roots.set(uploadId, job);
    return job;
  }

  /**
   * Expires every upload no chunk has reached for `uploadTtlMs` (its staged bytes deleted,
   * its index records dropped) and forgets uploads that expired a TTL ago. Uploads being
   * written are left for the next sweep. Resolves to the number expired.
   */
  async sweepUploads(now = Date.now()): Promise<number> {
    let expired = 0;
    for (const upload of await this.index.listUploads()) {
      if (this.isStale(upload, now) && !this.busy.has(upload.id)) {
        await this.expire(upload, now);
        expired++;
      }
    }
    await this.index.forgetExpired(now - this.limits.uploadTtlMs);
    return expired;
  }

  private isStale(upload: UploadRecord, now: number): boolean {
    return now - (upload.touchedAt ?? upload.createdAt) > this.limits.uploadTtlMs;
  }

  private async expire(upload: UploadRecord, now: number): Promise<void> {
    await this.exclusive(upload.id, async () => {
      await this.backend.discard(upload.id);
      await this.index.expireUpload(upload.id, now);
      this.running.delete(upload.id);
      this.roots.delete(upload.id);
    });
    this.logger?.info({ upload: upload.id, size: upload.size }, "upload expired");
  }

  private async ownUpload(caller: StoreIdentity, uploadId: string): Promise<UploadRecord> {
    const upload = await this.index.getUpload(uploadId);
    if (!upload) {
      const expiredAt = await this.index.getExpired(uploadId);
      if (expiredAt !== undefined) throw expiredError(uploadId, expiredAt, this.limits.uploadTtlMs);
      throw new StoreError(StoreErrorCode.NotFound, `no upload ${uploadId}`);
    }
    if (upload.owner.key !== caller.key) throw new StoreError(StoreErrorCode.NotOwner, "not your upload");
    // A stale upload the sweep has not reached yet expires now: the answer does not
    // depend on when the sweep last ran.
    if (this.isStale(upload, Date.now()) && !this.busy.has(uploadId)) {
      const now = Date.now();
      await this.expire(upload, now);
      throw expiredError(uploadId, now, this.limits.uploadTtlMs);
    }
    return upload;
  }

  /** Indices of rows already in the Datanet, or repeating an earlier row of the same upload. */
  private async duplicates(datanet: number, rowHashes: Uint8Array): Promise<number[]> {
    const found = await this.index.findRows(datanet, rowHashes);
    const seen = new Set<string>();
    const out: number[] = [];
    for (let i = 0; i < found.length; i++) {
      const h = Buffer.from(rowHashes.buffer, rowHashes.byteOffset + i * 32, 32).toString("base64");
      if (found[i] !== undefined || seen.has(h)) out.push(i);
      seen.add(h);
    }
    return out;
  }

  private async exclusive<T>(uploadId: string, f: () => Promise<T>): Promise<T> {
    if (this.busy.has(uploadId))
      throw new StoreError(StoreErrorCode.UploadBusy, "another request is writing this upload");
    this.busy.add(uploadId);
    try {
      return await f();
    } finally {
      this.busy.delete(uploadId);
    }
  }

  private async underDatanet<T>(datanet: number, f: () => Promise<T>): Promise<T> {
    const prev = this.datanetLocks.get(datanet) ?? Promise.resolve();
    const run = prev.then(f, f);
    const tail = run.catch(() => undefined);
    this.datanetLocks.set(datanet, tail);
    try {
      return await run;
    } finally {
      if (this.datanetLocks.get(datanet) === tail) this.datanetLocks.delete(datanet);
    }
  }
}

function checkEnvelope(e: EnvelopeRecord): void {
  fromHex(e.reader.key, 32, "reader key");
  fromHex(e.reader.box, 32, "reader box");
  fromHex(e.envelope, ENVELOPE_BYTES, "envelope");
}

function expiredError(uploadId: string, at: number, ttlMs: number): StoreError {
  return new StoreError(
    StoreErrorCode.UploadExpired,
    `upload ${uploadId} expired at ${new Date(at).toISOString()} after ${ttlMs / 1000} s without a chunk; start a new upload`,
  );
}

function duplicateError(duplicates: readonly number[]): StoreError {
  return new StoreError(
    StoreErrorCode.DuplicateRows,
    `${duplicates.length} rows repeat rows already in the Datanet (first: row ${duplicates[0]})`,
  );
}

async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<string> {
  const h = createHash("sha256");
  for await (const piece of source) h.update(piece);
  return h.digest("hex");
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export const BLOB_KINDS = Object.keys(BlobKind) as BlobKindName[];
