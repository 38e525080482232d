/**
 * Where a store keeps its bytes: uploads being staged, and committed blobs under their id
 * (hex SHA-256 of the stored bytes). The index (store/index-db.ts) and every check live
 * above this interface, so a backend only moves bytes: `DiskBackend` (the embedded default)
 * and `S3Backend` (an S3-compatible bucket; docs/store.md, "Backends").
 */
export interface BlobBackend {
  /** Bytes staged so far for an upload (0 for one never written). */
  stagedSize(uploadId: string): Promise<number>;
  /**
   * Appends `source` to the upload's staging at `offset` (the staged size). `onPiece` runs
   * for each piece before it is written and may throw to stop; the staging is then cut back
   * to `offset`, as it is when `source` fails. Resolves to the bytes written.
   */
  append(
    uploadId: string,
    offset: number,
    source: AsyncIterable<Uint8Array>,
    onPiece: (piece: Uint8Array) => void,
  ): Promise<number>;
  /** Cuts an upload's staging back to `length` bytes. */
  truncate(uploadId: string, length: number): Promise<void>;
  readStaged(uploadId: string): AsyncIterable<Uint8Array>;
  /** Moves a staged upload to blob `blobId` (atomically where the medium allows). */
  commit(uploadId: string, blobId: string): Promise<void>;
  discard(uploadId: string): Promise<void>;
  /** Stored size of a blob, or undefined if it holds no such blob. */
  size(blobId: string): Promise<number | undefined>;
  read(blobId: string): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}
