/**
 * The store's failures, each with a stable code and the HTTP status it is answered with.
 * The server replies `{ code, message }`; the client rethrows the same code as a StoreError,
 * so a refusal reads the same on both sides. Client-side checks (decryption, hash of what
 * was read) use the same vocabulary.
 */
import { CodedError } from "../protocol/errors.ts";

export const StoreErrorCode = {
  /** Malformed request: schema refusal, bad hex, wrong lengths. */
  InvalidRequest: "INVALID_REQUEST",
  /** Missing or bad authentication headers, or a signature that does not verify. */
  Unauthenticated: "UNAUTHENTICATED",
  /** Signed too long ago (or in the future), or before this server started. */
  StaleRequest: "STALE_REQUEST",
  /** The same signed request seen twice. */
  ReplayedRequest: "REPLAYED_REQUEST",
  /** The body does not hash to what the signature covers. */
  BodyHashMismatch: "BODY_HASH_MISMATCH",
  /** The caller holds no key for this blob. */
  NotGranted: "NOT_GRANTED",
  /** Only the blob's or the upload's owner may do this. */
  NotOwner: "NOT_OWNER",
  NotFound: "NOT_FOUND",
  /** No box key known for an account key: its holder has not used this store yet. */
  ReaderUnknown: "READER_UNKNOWN",
  /** (client) A box key whose signed proof does not verify under the account key. */
  ForgedIdentity: "FORGED_IDENTITY",
  /** (client) A prover grant to an account whose L1 address is not a bonded prover. */
  NotBondedProver: "NOT_BONDED_PROVER",
  /** A chunk larger than the server takes in one request. */
  ChunkTooLarge: "CHUNK_TOO_LARGE",
  /** A chunk that does not start where the upload stands, or runs past its declared size. */
  OffsetMismatch: "OFFSET_MISMATCH",
  /** Another request is writing to this upload. */
  UploadBusy: "UPLOAD_BUSY",
  /** An upload left unfinished longer than the store keeps one: its bytes are gone. */
  UploadExpired: "UPLOAD_EXPIRED",
  /** Completed before every declared byte arrived. */
  UploadIncomplete: "UPLOAD_INCOMPLETE",
  /** The uploaded bytes do not hash to the blob id the uploader named. */
  HashMismatch: "HASH_MISMATCH",
  /** The row hashes do not give the contentRoot the uploader named. */
  ContentRootMismatch: "CONTENT_ROOT_MISMATCH",
  /** A plaintext that does not hash to the content hash its record names (model, input). */
  ContentMismatch: "CONTENT_MISMATCH",
  /** Rows that repeat rows already in the Datanet, when the uploader asked for refusal. */
  DuplicateRows: "DUPLICATE_ROWS",
  /** A stored blob (or one read back) no longer hashes to its id: tampered with or damaged. */
  BlobCorrupt: "BLOB_CORRUPT",
  /** A stored blob (or one read back) shorter than recorded. */
  BlobTruncated: "BLOB_TRUNCATED",
  /** Not a blob of this format (magic, version, lengths). */
  InvalidBlob: "INVALID_BLOB",
  /** A key envelope or a segment failed authentication: wrong key, or altered bytes. */
  DecryptFailed: "DECRYPT_FAILED",
  /** The blob backend cannot be opened as configured (S3 bucket, credentials, part size). */
  BackendMisconfigured: "BACKEND_MISCONFIGURED",
  /** The server could not be reached or answered something that is not the store's JSON. */
  Unavailable: "STORE_UNAVAILABLE",
  Internal: "INTERNAL",
} as const;

export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

const STATUS: Record<StoreErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  STALE_REQUEST: 401,
  REPLAYED_REQUEST: 401,
  BODY_HASH_MISMATCH: 400,
  NOT_GRANTED: 403,
  NOT_OWNER: 403,
  NOT_FOUND: 404,
  READER_UNKNOWN: 404,
  // The store served a box key its account never signed for.
  FORGED_IDENTITY: 502,
  NOT_BONDED_PROVER: 403,
  CHUNK_TOO_LARGE: 413,
  OFFSET_MISMATCH: 409,
  UPLOAD_BUSY: 409,
  UPLOAD_EXPIRED: 410,
  UPLOAD_INCOMPLETE: 409,
  HASH_MISMATCH: 400,
  CONTENT_ROOT_MISMATCH: 400,
  CONTENT_MISMATCH: 400,
  DUPLICATE_ROWS: 409,
  // The server holds bytes it cannot vouch for: its fault, not the caller's.
  BLOB_CORRUPT: 500,
  BLOB_TRUNCATED: 500,
  INVALID_BLOB: 400,
  DECRYPT_FAILED: 400,
  BACKEND_MISCONFIGURED: 500,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = "StoreError";
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function isStoreErrorCode(x: unknown): x is StoreErrorCode {
  return typeof x === "string" && x in STATUS;
}
