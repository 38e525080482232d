import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { BlobBackend } from "./backend.ts";
import { DiskBackend } from "./disk-backend.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3BackendOptions {
  /** An S3-compatible server's address; absent, AWS's own for the region. */
  readonly endpoint?: string;
  readonly bucket: string;
  readonly region: string;
  /** Prepended to every object key, so one bucket can hold several stores. */
  readonly prefix: string;
  /** Bucket in the path rather than the host name: what most S3-compatible servers expect. */
  readonly forcePathStyle: boolean;
  readonly credentials: S3Credentials;
  /** Bytes per part of a multipart upload, and the size up to which one PUT is used. */
  readonly partBytes?: number;
}

/** 16 MiB parts: 10,000 parts (S3's limit) cover 160 GiB, beyond the store's 64 GiB blobs. */
const DEFAULT_PART_BYTES = 16 << 20;
/** S3's smallest part but the last. */
const MIN_PART_BYTES = 5 << 20;

/**
 * The S3 credentials from the environment's standard variables (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN). Read here rather than by the SDK's
 * default chain, which would also try files and the instance metadata endpoint.
 */
export function s3CredentialsFromEnv(env: NodeJS.ProcessEnv): S3Credentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new StoreError(
      StoreErrorCode.BackendMisconfigured,
      "the S3 backend reads its credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both",
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/**
 * Blobs as objects `<prefix>blobs/<id>` in an S3-compatible bucket. Uploads are staged on
 * the server's disk as `DiskBackend` stages them (S3 objects cannot be appended to, and a
 * chunk must be answered once it is durable); `commit` sends the staged bytes to the bucket
 * (one PUT, or a multipart upload above `partBytes`), where the object appears whole or not
 * at all, then deletes the staging file.
 */
export class S3Backend implements BlobBackend {
  private readonly partBytes: number;

  private constructor(
    private readonly s3: S3Client,
    private readonly staging: DiskBackend,
    private readonly bucket: string,
    private readonly prefix: string,
    partBytes: number,
  ) {
    this.partBytes = partBytes;
  }

  /** Opens the bucket (it must exist and be reachable) with staging under `stagingDir`. */
  static async open(stagingDir: string, o: S3BackendOptions): Promise<S3Backend> {
    const partBytes = o.partBytes ?? DEFAULT_PART_BYTES;
    if (partBytes < MIN_PART_BYTES) {
      throw new StoreError(
        StoreErrorCode.BackendMisconfigured,
        `S3 parts are at least ${MIN_PART_BYTES} bytes`,
      );
    }
    const s3 = new S3Client({
      region: o.region,
      credentials: o.credentials,
      forcePathStyle: o.forcePathStyle,
      ...(o.endpoint === undefined ? {} : { endpoint: o.endpoint }),
    });
    try {
      await s3.send(new HeadBucketCommand({ Bucket: o.bucket }));
    } catch (e) {
      s3.destroy();
      throw new StoreError(
        StoreErrorCode.BackendMisconfigured,
        `S3 bucket ${o.bucket} at ${o.endpoint ?? `AWS ${o.region}`} cannot be opened: ${(e as Error).name}`,
        { cause: e },
      );
    }
    return new S3Backend(s3, await DiskBackend.open(stagingDir), o.bucket, o.prefix, partBytes);
  }

  private objectKey(blobId: string): string {
    return `${this.prefix}blobs/${blobId}`;
  }

  stagedSize(uploadId: string): Promise<number> {
    return this.staging.stagedSize(uploadId);
  }

  append(
    uploadId: string,
    offset: number,
    source: AsyncIterable<Uint8Array>,
    onPiece: (piece: Uint8Array) => void,
  ): Promise<number> {
    return this.staging.append(uploadId, offset, source, onPiece);
  }

  truncate(uploadId: string, length: number): Promise<void> {
    return this.staging.truncate(uploadId, length);
  }

  readStaged(uploadId: string): AsyncIterable<Uint8Array> {
    return this.staging.readStaged(uploadId);
  }

  async commit(uploadId: string, blobId: string): Promise<void> {
    const Key = this.objectKey(blobId);
    const size = await this.staging.stagedSize(uploadId);
    const parts = partsOf(this.staging.readStaged(uploadId), this.partBytes);
    if (size <= this.partBytes) {
      const first = await parts.next();
      const Body = first.done ? new Uint8Array(0) : first.value;
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body }));
    } else {
      await this.multipart(Key, parts);
    }
    await this.staging.discard(uploadId);
  }

  private async multipart(Key: string, parts: AsyncIterable<Uint8Array>): Promise<void> {
    const Bucket = this.bucket;
    const { UploadId } = await this.s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    try {
      const done: Array<{ ETag: string | undefined; PartNumber: number }> = [];
      for await (const Body of parts) {
        const PartNumber = done.length + 1;
        const { ETag } = await this.s3.send(
          new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }),
        );
        done.push({ ETag, PartNumber });
      }
      await this.s3.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: done } }),
      );
    } catch (e) {
      // Parts left behind would be billed and never used.
      await this.s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw e;
    }
  }

  discard(uploadId: string): Promise<void> {
    return this.staging.discard(uploadId);
  }

  async size(blobId: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(blobId) }),
      );
      return head.ContentLength;
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw e;
    }
  }

  async *read(blobId: string): AsyncGenerator<Uint8Array> {
    const got = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(blobId) }),
    );
    if (!got.Body)
      throw new StoreError(StoreErrorCode.BlobTruncated, `S3 returned no body for blob ${blobId}`);
    yield* got.Body as AsyncIterable<Uint8Array>;
  }

  async close(): Promise<void> {
    this.s3.destroy();
  }
}

/** `source` regrouped into pieces of exactly `bytes` bytes, the last one shorter. */
async function* partsOf(source: AsyncIterable<Uint8Array>, bytes: number): AsyncGenerator<Uint8Array> {
  let part = new Uint8Array(bytes);
  let filled = 0;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.length) {
      const n = Math.min(bytes - filled, piece.length - at);
      part.set(piece.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === bytes) {
        yield part;
        part = new Uint8Array(bytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}
