import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat, truncate } from "node:fs/promises";
import { join } from "node:path";
import type { BlobBackend } from "./backend.ts";

/**
 * Blobs as files under a data directory: `blobs/ab/<id>` (fanned out by the id's first byte
 * so no directory grows past a few thousand entries) and `staging/<uploadId>`. A commit is
 * a rename within one file system, so a blob appears whole or not at all.
 */
export class DiskBackend implements BlobBackend {
  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<DiskBackend> {
    await mkdir(join(dir, "staging"), { recursive: true });
    await mkdir(join(dir, "blobs"), { recursive: true });
    return new DiskBackend(dir);
  }

  /** Path of a blob's file (tests reach it to damage a blob on disk). */
  blobPath(blobId: string): string {
    return join(this.dir, "blobs", blobId.slice(0, 2), blobId);
  }

  private stagingPath(uploadId: string): string {
    return join(this.dir, "staging", uploadId);
  }

  async stagedSize(uploadId: string): Promise<number> {
    return (await fileSize(this.stagingPath(uploadId))) ?? 0;
  }

  async append(
    uploadId: string,
    offset: number,
    source: AsyncIterable<Uint8Array>,
    onPiece: (piece: Uint8Array) => void,
  ): Promise<number> {
    const fh = await open(this.stagingPath(uploadId), "a");
    let written = 0;
    try {
      for await (const piece of source) {
        onPiece(piece);
        await fh.write(piece, 0, piece.length, offset + written);
        written += piece.length;
      }
    } catch (e) {
      await fh.truncate(offset);
      throw e;
    } finally {
      await fh.close();
    }
    return written;
  }

  async truncate(uploadId: string, length: number): Promise<void> {
    await truncate(this.stagingPath(uploadId), length);
  }

  readStaged(uploadId: string): AsyncIterable<Uint8Array> {
    return createReadStream(this.stagingPath(uploadId), { highWaterMark: 1 << 20 });
  }

  async commit(uploadId: string, blobId: string): Promise<void> {
    const to = this.blobPath(blobId);
    await mkdir(join(this.dir, "blobs", blobId.slice(0, 2)), { recursive: true });
    await rename(this.stagingPath(uploadId), to);
  }

  async discard(uploadId: string): Promise<void> {
    await rm(this.stagingPath(uploadId), { force: true });
  }

  size(blobId: string): Promise<number | undefined> {
    return fileSize(this.blobPath(blobId));
  }

  read(blobId: string): AsyncIterable<Uint8Array> {
    return createReadStream(this.blobPath(blobId), { highWaterMark: 1 << 20 });
  }

  async close(): Promise<void> {}
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
