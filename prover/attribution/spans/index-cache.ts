import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Field } from "../../../protocol/field.ts";
import { CodedError } from "../../../protocol/errors.ts";
import { buildContributionIndex, type ContributionIndex } from "./contribution-index.ts";
import { readIndexFile, writeIndexFile } from "./index-file.ts";

/**
 * Span indexes by contentRoot, one file each in `dir` (`<contentRoot hex>.spans`), and held
 * in memory once loaded: models that share a contribution share its index, and a model's
 * index is the set of its contributions' (docs/attribution.md §11.1). The caller vouches that
 * the stream it hands over has that contentRoot (it checked it against the chain, as the
 * trainer checks rows); the cache does not recompute textRoot.
 */
export class SpanIndexCache {
  private readonly loaded = new Map<Field, Promise<ContributionIndex>>();

  constructor(private readonly dir: string) {}

  /** The index of the contribution with `contentRoot`: from memory, from its file, or built and written. */
  get(contentRoot: Field, stream: () => Promise<Uint16Array> | Uint16Array): Promise<ContributionIndex> {
    let index = this.loaded.get(contentRoot);
    if (!index) {
      index = this.load(contentRoot, stream);
      this.loaded.set(contentRoot, index);
      index.catch(() => this.loaded.delete(contentRoot));
    }
    return index;
  }

  pathOf(contentRoot: Field): string {
    return join(this.dir, `${contentRoot.toString(16).padStart(64, "0")}.spans`);
  }

  private async load(contentRoot: Field, stream: () => Promise<Uint16Array> | Uint16Array) {
    const path = this.pathOf(contentRoot);
    try {
      return await readIndexFile(path, contentRoot);
    } catch (e) {
      // A missing file is built; a damaged one too, and replaced. Anything else is not ours to hide.
      const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
      if (!missing && !(e instanceof CodedError)) throw e;
    }
    const index = buildContributionIndex(await stream());
    await mkdir(this.dir, { recursive: true });
    await writeIndexFile(path, contentRoot, index);
    return index;
  }
}
