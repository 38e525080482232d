import { Level } from "level";
import type { BlobKindName } from "./blob-format.ts";
import type { IdentityProof } from "./auth.ts";
import type { StoreIdentity } from "./identity.ts";

/**
 * The store's index in LevelDB: upload sessions, blob records, key envelopes and, per
 * Datanet, the row hashes already uploaded (for duplicates at the door). Bytes live in the
 * backend; everything here is small but the row hashes of an upload in progress (32 bytes a
 * row).
 */
export type ReaderRole = "owner" | "curator" | "prover" | "reader";

export interface UploadRecord {
  readonly id: string;
  readonly owner: StoreIdentity;
  readonly kind: BlobKindName;
  /** Stored (encrypted) bytes the upload will hold. */
  readonly size: number;
  readonly datanet: number | null;
  readonly rowCount: number | null;
  readonly refuseDuplicates: boolean;
  readonly createdAt: number;
  /**
   * When a chunk last arrived (createdAt before the first): what the upload's expiry counts
   * from. Absent from records written before uploads expired: createdAt stands in.
   */
  readonly touchedAt?: number;
}

export interface BlobRecord {
  /** Hex SHA-256 of the stored bytes. */
  readonly id: string;
  readonly kind: BlobKindName;
  readonly size: number;
  readonly owner: StoreIdentity;
  readonly datanet: number | null;
  readonly rowCount: number | null;
  /** 0x hex field element; rows blobs only. */
  readonly contentRoot: string | null;
  /**
   * The hash the chain records for the plaintext, 0x hex: the contentRoot of a rows blob
   * (checked by the store), the modelHash of a model or the inputHash of an inference input
   * (declared by the uploader, checked by every reader). What `findByContent` looks up.
   */
  readonly contentHash: string | null;
  /** Rows that repeat a row already in the Datanet when this blob was stored. */
  readonly duplicateRows: number;
  readonly createdAt: number;
}

export interface EnvelopeRecord {
  readonly reader: StoreIdentity;
  readonly role: ReaderRole;
  /** Hex of the 80-byte envelope (store/envelope.ts). */
  readonly envelope: string;
}

/** A caller's box key as the store learned it, with the signed request that named it. */
export interface IdentityRecord {
  readonly key: string;
  readonly box: string;
  readonly proof: IdentityProof;
}

/** Where a row hash was first seen in a Datanet. */
export interface RowLocation {
  readonly blobId: string;
  readonly index: number;
}

const datanetKey = (datanet: number) => datanet.toString(16).padStart(8, "0");

export class StoreIndex {
  private readonly uploads;
  private readonly uploadRows;
  private readonly blobs;
  private readonly envelopes;
  private readonly rows;
  /** `${contentHash}/${blobId}` → "": several blobs may hold the same content. */
  private readonly content;
  /** Expired upload id → when it expired, so resuming it is told why it is gone. */
  private readonly expired;
  /** Account key → the box key its holder signed for: how an L2 account's reader key is found. */
  private readonly identities;

  private constructor(private readonly db: Level<string, string>) {
    this.uploads = db.sublevel<string, UploadRecord>("uploads", { valueEncoding: "json" });
    this.uploadRows = db.sublevel<string, Uint8Array>("upload-rows", { valueEncoding: "view" });
    this.blobs = db.sublevel<string, BlobRecord>("blobs", { valueEncoding: "json" });
    this.envelopes = db.sublevel<string, EnvelopeRecord>("envelopes", { valueEncoding: "json" });
    this.rows = db.sublevel<string, string>("rows", { valueEncoding: "utf8" });
    this.content = db.sublevel<string, string>("content", { valueEncoding: "utf8" });
    this.expired = db.sublevel<string, number>("expired-uploads", { valueEncoding: "json" });
    this.identities = db.sublevel<string, IdentityRecord>("identities", { valueEncoding: "json" });
  }

  static async open(dir: string): Promise<StoreIndex> {
    const db = new Level<string, string>(dir);
    await db.open();
    return new StoreIndex(db);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async putUpload(u: UploadRecord, rowHashes?: Uint8Array): Promise<void> {
    const ops = this.db.batch();
    ops.put(u.id, u, { sublevel: this.uploads });
    if (rowHashes) ops.put(u.id, rowHashes, { sublevel: this.uploadRows });
    await ops.write();
  }

  getUpload(id: string): Promise<UploadRecord | undefined> {
    return this.uploads.get(id);
  }

  async touchUpload(u: UploadRecord, at: number): Promise<void> {
    await this.uploads.put(u.id, { ...u, touchedAt: at });
  }

  /** Every open upload session (a few per active uploader: read whole by the expiry sweep). */
  async listUploads(): Promise<UploadRecord[]> {
    return this.uploads.values().all();
  }

  /** Ends an upload session that was never completed, remembering when. */
  async expireUpload(id: string, at: number): Promise<void> {
    const ops = this.db.batch();
    ops.del(id, { sublevel: this.uploads });
    ops.del(id, { sublevel: this.uploadRows });
    ops.put(id, at, { sublevel: this.expired });
    await ops.write();
  }

  /** When upload `id` expired, if it did and is still remembered. */
  getExpired(id: string): Promise<number | undefined> {
    return this.expired.get(id);
  }

  /** Forgets uploads that expired before `before`; resuming one is then NOT_FOUND. */
  async forgetExpired(before: number): Promise<number> {
    const ops = this.db.batch();
    let n = 0;
    for await (const [id, at] of this.expired.iterator()) {
      if (at < before) {
        ops.del(id, { sublevel: this.expired });
        n++;
      }
    }
    await ops.write();
    return n;
  }

  getUploadRows(id: string): Promise<Uint8Array | undefined> {
    return this.uploadRows.get(id);
  }

  getIdentity(key: string): Promise<IdentityRecord | undefined> {
    return this.identities.get(key);
  }

  async putIdentity(r: IdentityRecord): Promise<void> {
    await this.identities.put(r.key, r);
  }

  getBlob(id: string): Promise<BlobRecord | undefined> {
    return this.blobs.get(id);
  }

  getEnvelope(blobId: string, readerKey: string): Promise<EnvelopeRecord | undefined> {
    return this.envelopes.get(`${blobId}/${readerKey}`);
  }

  async putEnvelope(blobId: string, e: EnvelopeRecord): Promise<void> {
    await this.envelopes.put(`${blobId}/${e.reader.key}`, e);
  }

  /** Ids of the blobs recorded with this content hash (0x hex, lower case). */
  async blobsWithContent(contentHash: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of this.content.keys({ gt: `${contentHash}/`, lt: `${contentHash}/~` })) {
      ids.push(key.slice(contentHash.length + 1));
    }
    return ids;
  }

  /** For each 32-byte hash in `hashes`, where the Datanet first saw it, if it did. */
  async findRows(datanet: number, hashes: Uint8Array): Promise<Array<RowLocation | undefined>> {
    const keys: string[] = [];
    const d = datanetKey(datanet);
    for (let at = 0; at < hashes.length; at += 32) {
      keys.push(`${d}/${Buffer.from(hashes.buffer, hashes.byteOffset + at, 32).toString("hex")}`);
    }
    const found = await this.rows.getMany(keys);
    return found.map((v) => {
      if (v === undefined) return undefined;
      const sep = v.indexOf(":");
      return { blobId: v.slice(0, sep), index: Number(v.slice(sep + 1)) };
    });
  }

  /**
   * Records a stored blob in one atomic write: its record, its envelopes, the rows it is the
   * first to bring into its Datanet (`newRows`: row index in the blob), the content hashes
   * it is found by (its contentHash and `moreContent`) and the end of the upload session.
   */
  async commitBlob(
    blob: BlobRecord,
    envelopes: readonly EnvelopeRecord[],
    uploadId: string,
    rowHashes?: Uint8Array,
    newRows: readonly number[] = [],
    moreContent: readonly string[] = [],
  ): Promise<void> {
    const ops = this.db.batch();
    ops.put(blob.id, blob, { sublevel: this.blobs });
    for (const h of blob.contentHash === null ? moreContent : [blob.contentHash, ...moreContent]) {
      ops.put(`${h}/${blob.id}`, "", { sublevel: this.content });
    }
    for (const e of envelopes) ops.put(`${blob.id}/${e.reader.key}`, e, { sublevel: this.envelopes });
    if (rowHashes && blob.datanet !== null) {
      const d = datanetKey(blob.datanet);
      for (const i of newRows) {
        const h = Buffer.from(rowHashes.buffer, rowHashes.byteOffset + i * 32, 32).toString("hex");
        ops.put(`${d}/${h}`, `${blob.id}:${i}`, { sublevel: this.rows });
      }
    }
    ops.del(uploadId, { sublevel: this.uploads });
    ops.del(uploadId, { sublevel: this.uploadRows });
    await ops.write();
  }
}
