import { bytesToHex } from "@noble/hashes/utils.js";
import { type ContributionIndex, DOCUMENT_HASH_BYTES } from "./contribution-index.ts";
import { GramFilter } from "./gram-filter.ts";
import { SPAN_PARAMS } from "./params.ts";

/** One training contribution of a text model, with its (shared) index. */
export interface IndexedContribution {
  readonly id: bigint;
  readonly index: ContributionIndex;
}

/**
 * A text model's span index: its training contributions in registration order, and for each
 * the documents it is credited for. A document whose hash repeats a document earlier in that
 * order (an earlier contribution's, or an earlier one of its own) is not counted: the span is
 * credited to the original alone, so the copy earns nothing and takes nothing from it
 * (docs/attribution.md §11.3).
 */
export interface ModelSpanIndex {
  readonly contributions: readonly IndexedContribution[];
  /** Per contribution, 1 for each counted document. */
  readonly counted: readonly Uint8Array[];
  /** Per contribution, the index of its first document among all the model's documents. */
  readonly firstDocument: readonly number[];
  readonly documents: number;
  /** The runs of `minSpan` tokens of every stream: lets the rule skip positions that start no span. */
  readonly grams: GramFilter;
}

export function modelSpanIndex(
  contributions: readonly IndexedContribution[],
  minSpan = SPAN_PARAMS.minSpan,
): ModelSpanIndex {
  const seen = new Set<string>();
  let documents = 0;
  const firstDocument: number[] = [];
  const counted = contributions.map(({ index }) => {
    firstDocument.push(documents);
    const m = index.documentStarts.length;
    documents += m;
    const mask = new Uint8Array(m);
    for (let d = 0; d < m; d++) {
      const h = bytesToHex(
        index.documentHashes.subarray(d * DOCUMENT_HASH_BYTES, (d + 1) * DOCUMENT_HASH_BYTES),
      );
      if (!seen.has(h)) {
        seen.add(h);
        mask[d] = 1;
      }
    }
    return mask;
  });
  const grams = GramFilter.build(
    contributions.map((c) => c.index.tokens),
    minSpan,
  );
  return { contributions, counted, firstDocument, documents, grams };
}
