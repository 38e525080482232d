/**
 * The blob archive (docs/protocol.md §8.4): what the commits' blobs carried, kept after L1
 * drops them (an execution node never serves blob contents, consensus nodes keep them about 18
 * days), so that anyone can rebuild the L2 state from L1 alone. It is untrusted and
 * content-addressed: batch data under the versioned hash of its blob, checked on every read
 * by recomputing its KZG commitment; a model's training list under its training descriptor,
 * checked by the replay (the model leaf's descriptor must come out). A directory, written by
 * the sequencer as it posts, or the same layout served over HTTP by the sequencer's RPC.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hexlify } from "ethers";
import { dataVersionedHash } from "../../protocol/blob/kzg.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { type Field, fieldToHex } from "../../protocol/field.ts";
import type { TrainingSet } from "../../protocol/state/state.ts";

/** A model's training list as archived, with the descriptor its leaf holds. */
export interface ArchivedTrainingSet extends TrainingSet {
  readonly descriptor: Field;
}

export interface BlobArchive {
  /** The batch data whose blob has `versionedHash` (0x hex), as stored: unchecked. */
  batchData(versionedHash: string): Promise<Uint8Array | undefined>;
  trainingSet(descriptor: Field): Promise<TrainingSet | undefined>;
}

/** The archive's paths, the same in a directory and over HTTP. */
export const archivePath = {
  batchData: (versionedHash: string) => `blobs/${versionedHash.toLowerCase()}`,
  trainingSet: (descriptor: Field) => `training/${fieldToHex(descriptor)}.json`,
};

/** A training list as the archive stores it. */
export const trainingJson = (t: TrainingSet): string =>
  JSON.stringify({ trainingConfigHash: fieldToHex(t.trainingConfigHash), contributions: t.contributions });

function parseTraining(text: string): TrainingSet {
  const v = JSON.parse(text) as { trainingConfigHash: string; contributions: number[] };
  return { trainingConfigHash: BigInt(v.trainingConfigHash), contributions: v.contributions };
}

/** An archive directory; the sequencer writes it (`--blob-archive`). */
export class DirectoryArchive implements BlobArchive {
  constructor(readonly dir: string) {}

  async batchData(versionedHash: string): Promise<Uint8Array | undefined> {
    return this.read(archivePath.batchData(versionedHash)).then((b) => b && new Uint8Array(b));
  }

  async trainingSet(descriptor: Field): Promise<TrainingSet | undefined> {
    const b = await this.read(archivePath.trainingSet(descriptor));
    return b && parseTraining(b.toString("utf8"));
  }

  /**
   * Stores a batch's data under its blob's versioned hash (0x hex, as the poster computed it)
   * and the training lists of the models it registers.
   */
  async put(
    versionedHash: string,
    data: Uint8Array,
    trainingSets: readonly ArchivedTrainingSet[] = [],
  ): Promise<void> {
    for (const t of trainingSets) await this.write(archivePath.trainingSet(t.descriptor), trainingJson(t));
    await this.write(archivePath.batchData(versionedHash), data);
  }

  private async read(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.dir, path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** Write-then-rename: a reader never sees half a file. */
  private async write(path: string, content: Uint8Array | string): Promise<void> {
    const file = join(this.dir, path);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(`${file}.tmp`, content);
    await rename(`${file}.tmp`, file);
  }
}

/** An archive served over HTTP in the directory's layout (the sequencer's `/archive/`). */
export class HttpArchive implements BlobArchive {
  constructor(readonly url: string) {}

  async batchData(versionedHash: string): Promise<Uint8Array | undefined> {
    const r = await this.get(archivePath.batchData(versionedHash));
    return r && new Uint8Array(await r.arrayBuffer());
  }

  async trainingSet(descriptor: Field): Promise<TrainingSet | undefined> {
    const r = await this.get(archivePath.trainingSet(descriptor));
    return r && parseTraining(await r.text());
  }

  private async get(path: string): Promise<Response | undefined> {
    const r = await fetch(`${this.url.replace(/\/$/, "")}/${path}`);
    if (r.status === 404) return undefined;
    if (!r.ok) throw new Error(`blob archive ${this.url}: HTTP ${r.status} for ${path}`);
    return r;
  }
}

/** A directory path, or an http(s) URL. */
export function openArchive(location: string): BlobArchive {
  return /^https?:\/\//.test(location) ? new HttpArchive(location) : new DirectoryArchive(location);
}

/**
 * Batch `entry`'s data from `archive`, checked: its blob's versioned hash must be the one L1
 * recorded for the commit, so a lying or damaged archive is refused here.
 */
export async function fetchBatchData(
  archive: BlobArchive,
  versionedHash: Uint8Array,
  entry: number,
): Promise<Uint8Array> {
  const vh = hexlify(versionedHash);
  const data = await archive.batchData(vh);
  if (!data) {
    throw new OpenLedgerError(
      ErrorCode.DataUnavailable,
      `the blob archive has no data for batch ${entry} (versioned hash ${vh}): point --archive at one that does`,
    );
  }
  const got = hexlify(dataVersionedHash(data));
  if (got !== vh) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `the blob archive's data for batch ${entry} is not the blob L1 committed: it hashes to ${got}, L1 recorded ${vh}`,
    );
  }
  return data;
}
