import { createHash } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { type IdentityProof, proofHolds, sha256Hex, signRequest } from "./auth.ts";
import {
  BlobKind,
  type BlobKindName,
  blobSize,
  decryptBlob,
  DEFAULT_SEGMENT_SIZE,
  encryptBlob,
  newBlobKey,
} from "./blob-format.ts";
import { unwrapKey, wrapKey } from "./envelope.ts";
import { StoreError, StoreErrorCode, isStoreErrorCode } from "./errors.ts";
import { fromHex, hex, type StoreIdentity, type StoreKey } from "./identity.ts";
import type { BlobRecord, EnvelopeRecord, ReaderRole } from "./index-db.ts";
import type { CompleteUpload } from "./service.ts";

export interface Reader {
  readonly identity: StoreIdentity;
  readonly role: ReaderRole;
}

/** What an interrupted upload needs to resume: keep it secret (it holds the blob key). */
export interface UploadSession {
  readonly uploadId: string;
  readonly blobKey: Uint8Array;
}

export interface PutOptions {
  readonly kind: BlobKindName;
  readonly plaintextLength: number;
  /** The plaintext, from its start; called again to regenerate the bytes when resuming. */
  readonly plaintext: () => AsyncIterable<Uint8Array>;
  /** Readers besides the owner (who always gets an envelope): curators, granted provers. */
  readonly readers?: readonly Reader[];
  /** Rows blobs: the Datanet, the row hashes (32 bytes each, row order) and their contentRoot. */
  readonly datanet?: number;
  readonly rowHashes?: Uint8Array;
  /** May still be computing (store/root-thread.ts): it is needed only to complete. */
  readonly contentRoot?: string | Promise<string>;
  /** Model and inference-input blobs: the hash the chain records for the plaintext (0x hex). */
  readonly contentHash?: string;
  /** A blob of several contents (a batch of inference records): every hash to find it by. */
  readonly contentHashes?: readonly string[];
  readonly refuseDuplicates?: boolean;
  /** Bytes per request (at most the server's maximum). */
  readonly chunkBytes?: number;
  /** Continue this session instead of opening one. */
  readonly resume?: UploadSession;
  /** Called once the session exists, so the caller can keep it for a later resume. */
  readonly onSession?: (s: UploadSession) => void;
  readonly onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface PutResult {
  readonly blob: BlobRecord;
  /** Rows repeating a row already in the Datanet (or earlier in this blob). */
  readonly duplicates: readonly number[];
}

const DEFAULT_CHUNK = 8 << 20;

/**
 * The store's typed client: signs every request with the caller's key, encrypts before
 * upload and decrypts after download, and checks what it reads against the blob id
 * (docs/store.md). The low-level calls mirror the HTTP API one for one; `put`, `get` and
 * `grant` are the operations callers want.
 */
export class StoreClient {
  readonly url: string;
  // node:http rather than fetch: fetch copies every request body once more (8 MiB a chunk).
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(
    url: string,
    readonly key: StoreKey,
  ) {
    this.url = url.replace(/\/+$/, "");
    this.transport = this.url.startsWith("https:") ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  // ---- HTTP API, one call per route ----

  createUpload(o: {
    kind: BlobKindName;
    size: number;
    datanet?: number;
    rowHashes?: Uint8Array;
    refuseDuplicates?: boolean;
  }) {
    const body = {
      kind: o.kind,
      size: o.size,
      ...(o.datanet === undefined ? {} : { datanet: o.datanet }),
      ...(o.rowHashes === undefined ? {} : { rowHashes: Buffer.from(o.rowHashes).toString("base64") }),
      ...(o.refuseDuplicates === undefined ? {} : { refuseDuplicates: o.refuseDuplicates }),
    };
    return this.json<{
      uploadId: string;
      size: number;
      received: number;
      maxChunkBytes: number;
      duplicates: number[];
    }>("POST", "/uploads", body);
  }

  uploadStatus(uploadId: string) {
    return this.json<{ uploadId: string; size: number; received: number }>("GET", `/uploads/${uploadId}`);
  }

  async putChunk(uploadId: string, offset: number, bytes: Uint8Array): Promise<number> {
    const url = `/uploads/${uploadId}/chunks?offset=${offset}`;
    const res = await this.send("PUT", url, bytes, "application/octet-stream");
    return (JSON.parse((await readAll(res)).toString("utf8")) as { received: number }).received;
  }

  completeUpload(uploadId: string, o: CompleteUpload) {
    return this.json<PutResult>("POST", `/uploads/${uploadId}/complete`, o);
  }

  /** The blobs recorded with this content hash that the caller may read. */
  async findByContent(contentHash: string): Promise<BlobRecord[]> {
    return (await this.json<{ blobs: BlobRecord[] }>("GET", `/content/${contentHash}`)).blobs;
  }

  blobInfo(blobId: string) {
    return this.json<{ blob: BlobRecord; envelope: EnvelopeRecord }>("GET", `/blobs/${blobId}`);
  }

  /**
   * The stored bytes of a blob, checked as they stream: a short read is BLOB_TRUNCATED and
   * bytes that do not hash to the id are BLOB_CORRUPT, raised before the stream ends.
   */
  async *readStored(blobId: string, size: number): AsyncGenerator<Uint8Array> {
    const res = await this.send("GET", `/blobs/${blobId}/data`);
    const h = createHash("sha256");
    let got = 0;
    for await (const piece of res as AsyncIterable<Buffer>) {
      got += piece.length;
      if (got > size)
        throw new StoreError(StoreErrorCode.BlobCorrupt, `blob ${blobId} is longer than recorded`);
      h.update(piece);
      yield piece;
    }
    if (got < size)
      throw new StoreError(StoreErrorCode.BlobTruncated, `read ${got} of ${size} bytes of ${blobId}`);
    if (h.digest("hex") !== blobId) {
      throw new StoreError(StoreErrorCode.BlobCorrupt, `bytes read do not hash to ${blobId}`);
    }
  }

  addEnvelope(blobId: string, e: EnvelopeRecord) {
    return this.json<{ granted: boolean }>("POST", `/blobs/${blobId}/grants`, e);
  }

  // ---- Operations ----

  /**
   * Encrypts and uploads a blob in chunks, resuming `o.resume` if given, then commits it
   * with an envelope for the owner and each reader. Memory holds one chunk.
   */
  async put(o: PutOptions): Promise<PutResult> {
    const size = blobSize(o.plaintextLength, DEFAULT_SEGMENT_SIZE);
    let session = o.resume;
    let chunkBytes = o.chunkBytes ?? DEFAULT_CHUNK;
    let received = 0;
    if (session) {
      const status = await this.uploadStatus(session.uploadId);
      if (status.size !== size) {
        throw new StoreError(
          StoreErrorCode.InvalidRequest,
          `upload ${session.uploadId} holds a different blob size`,
        );
      }
      received = status.received;
    } else {
      const created = await this.createUpload({
        kind: o.kind,
        size,
        datanet: o.datanet,
        rowHashes: o.rowHashes,
        refuseDuplicates: o.refuseDuplicates,
      });
      chunkBytes = Math.min(chunkBytes, created.maxChunkBytes);
      session = { uploadId: created.uploadId, blobKey: newBlobKey() };
    }
    o.onSession?.(session);
    const { uploadId, blobKey } = session;
    const stored = encryptBlob(blobKey, BlobKind[o.kind], o.plaintextLength, o.plaintext());
    const blobHash = createHash("sha256");
    let offset = 0;
    let sent = received;
    // Two buffers in turn: one being sent, one being filled.
    const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    let chunk = buffers[0]!;
    let fill = 0;
    // One request in flight while the next chunk is encrypted.
    let inflight: Promise<number> | undefined;
    const flush = async () => {
      if (fill === 0) return;
      const bytes = chunk.subarray(0, fill);
      const at = sent;
      if (inflight) await inflight;
      inflight = this.putChunk(uploadId, at, bytes).then((r) => {
        o.onProgress?.(r, size);
        return r;
      });
      sent += fill;
      chunk = chunk === buffers[0] ? buffers[1]! : buffers[0]!;
      fill = 0;
    };
    try {
      for await (const piece of stored) {
        blobHash.update(piece);
        // Bytes the server already holds are regenerated (for the hash) but not sent again.
        const skip = Math.max(0, Math.min(piece.length, received - offset));
        offset += piece.length;
        let at = skip;
        while (at < piece.length) {
          const n = Math.min(chunkBytes - fill, piece.length - at);
          chunk.set(piece.subarray(at, at + n), fill);
          fill += n;
          at += n;
          if (fill === chunkBytes) await flush();
        }
        // Lets the request in flight write to its socket between segments.
        await new Promise(setImmediate);
      }
      await flush();
      if (inflight) await inflight;
    } catch (e) {
      // A failed source or request leaves the upload where the server has it: wait for the
      // request in flight so a resume starts from a settled offset.
      await inflight?.catch(() => undefined);
      throw e;
    }
    const blobId = blobHash.digest("hex");
    const idBytes = fromHex(blobId, 32, "blobId");
    const readers: Reader[] = [{ identity: this.key.identity, role: "owner" }, ...(o.readers ?? [])];
    const envelopes = readers.map((r) => ({
      reader: r.identity,
      role: r.role,
      envelope: hex(wrapKey(blobKey, fromHex(r.identity.box, 32, "reader box"), idBytes)),
    }));
    const contentRoot = await o.contentRoot;
    return this.completeUpload(uploadId, {
      blobId,
      ...(contentRoot === undefined ? {} : { contentRoot }),
      ...(o.contentHash === undefined ? {} : { contentHash: o.contentHash }),
      ...(o.contentHashes === undefined ? {} : { contentHashes: o.contentHashes }),
      envelopes,
    });
  }

  /** The blob key, opened from the caller's envelope (NOT_GRANTED without one). */
  async blobKey(blobId: string): Promise<{ blob: BlobRecord; key: Uint8Array }> {
    const { blob, envelope } = await this.blobInfo(blobId);
    const key = this.key.withBoxSecret((secret) =>
      unwrapKey(
        fromHex(envelope.envelope, 80, "envelope"),
        secret,
        this.key.boxPublic,
        fromHex(blobId, 32, "blobId"),
      ),
    );
    return { blob, key };
  }

  /** A blob's plaintext as verified segments: every byte authenticated before it is yielded. */
  async *getStream(blobId: string): AsyncGenerator<Uint8Array> {
    const { blob, key } = await this.blobKey(blobId);
    yield* decryptBlob(key, this.readStored(blobId, blob.size));
  }

  async get(blobId: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const p of this.getStream(blobId)) parts.push(p);
    return new Uint8Array(Buffer.concat(parts));
  }

  /**
   * The reader identity of an account key, from the store's directory, checked: the box key
   * must come with the account's own signature naming it, so a store cannot slip in a key
   * of its own (FORGED_IDENTITY). READER_UNKNOWN if the account never used this store.
   */
  async readerIdentity(key: string): Promise<StoreIdentity> {
    const found = await this.json<{ key: string; box: string; proof: IdentityProof }>(
      "GET",
      `/identities/${key}`,
    );
    const identity = { key, box: found.box };
    if (found.key !== key || !proofHolds(identity, found.proof)) {
      throw new StoreError(
        StoreErrorCode.ForgedIdentity,
        `the store's box key for ${key} is not signed by that account`,
      );
    }
    return identity;
  }

  /** Wraps the blob key for `reader` and records it: only the owner may. */
  async grant(blobId: string, reader: StoreIdentity, role: ReaderRole = "reader"): Promise<void> {
    const { key } = await this.blobKey(blobId);
    const envelope = hex(wrapKey(key, fromHex(reader.box, 32, "reader box"), fromHex(blobId, 32, "blobId")));
    await this.addEnvelope(blobId, { reader, role, envelope });
  }

  // ---- transport ----

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const res = await this.send(method, path, bytes, bytes ? "application/json" : undefined);
    return JSON.parse((await readAll(res)).toString("utf8")) as T;
  }

  /** One signed request; a reply outside 2xx becomes the StoreError it names. */
  private async send(
    method: string,
    path: string,
    body?: Uint8Array,
    type?: string,
  ): Promise<IncomingMessage> {
    const headers: Record<string, string> = signRequest(
      this.key,
      method,
      path,
      sha256Hex(body ?? new Uint8Array(0)),
    );
    if (type) headers["content-type"] = type;
    if (body) headers["content-length"] = String(body.length);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = this.transport.request(
        `${this.url}${path}`,
        { method, headers, agent: this.agent },
        resolve,
      );
      req.on("error", (e) =>
        reject(
          new StoreError(StoreErrorCode.Unavailable, `store at ${this.url} unreachable: ${e.message}`, {
            cause: e,
          }),
        ),
      );
      req.end(body);
    });
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    let reply: { code?: unknown; message?: unknown } = {};
    try {
      reply = JSON.parse((await readAll(res)).toString("utf8")) as typeof reply;
    } catch {
      // not the store's JSON: reported below as unavailable
    }
    if (isStoreErrorCode(reply.code)) throw new StoreError(reply.code, String(reply.message ?? status));
    throw new StoreError(StoreErrorCode.Unavailable, `store answered ${status} ${res.statusMessage ?? ""}`);
  }
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of res as AsyncIterable<Buffer>) parts.push(p);
  return Buffer.concat(parts);
}
