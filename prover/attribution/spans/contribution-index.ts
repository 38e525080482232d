import { documentHash } from "../../../protocol/text/documents.ts";
import { END_TOKEN, decodeTokens } from "../../../protocol/text/tokenizer.ts";
import { ProverError, ProverErrorCode } from "../../errors.ts";
import { suffixArray } from "./sais.ts";

/**
 * The span index of one text contribution (docs/attribution.md §11): its token stream
 * (docs/protocol.md §12.2), the stream's suffix array, and where each document starts with
 * its content hash. It depends on the stream alone, so models that share a contribution share
 * its index; which documents a model counts is decided per model (model-index.ts).
 */
export interface ContributionIndex {
  readonly tokens: Uint16Array;
  readonly suffixes: Uint32Array;
  /** Offset of each document's first token; document d ends at the END before start d + 1. */
  readonly documentStarts: Uint32Array;
  /**
   * Each document's hash as the store's duplicate index keys it (docs/protocol.md §12.2:
   * SHA-256 of its NFC UTF-8 bytes), 32 bytes each. The tokenizer is a bijection on text, so
   * the bytes are recovered from the tokens.
   */
  readonly documentHashes: Uint8Array;
}

export const DOCUMENT_HASH_BYTES = 32;

export function buildContributionIndex(stream: Uint16Array): ContributionIndex {
  if (stream.length === 0 || stream[stream.length - 1] !== END_TOKEN) {
    throw new ProverError(
      ProverErrorCode.InvalidAttribution,
      "a text contribution's token stream ends every document with END (docs/protocol.md §12.2)",
    );
  }
  const starts: number[] = [0];
  for (let i = 0; i < stream.length - 1; i++) if (stream[i] === END_TOKEN) starts.push(i + 1);
  const documentStarts = Uint32Array.from(starts);
  const documentHashes = new Uint8Array(starts.length * DOCUMENT_HASH_BYTES);
  for (let d = 0; d < starts.length; d++) {
    const end = (d + 1 < starts.length ? starts[d + 1]! : stream.length) - 1;
    const text = decodeTokens(stream.subarray(starts[d]!, end));
    documentHashes.set(documentHash(Buffer.from(text, "utf8")), d * DOCUMENT_HASH_BYTES);
  }
  return { tokens: stream, suffixes: suffixArray(stream), documentStarts, documentHashes };
}

/** The document holding stream offset `p`. */
export function documentAt(index: ContributionIndex, p: number): number {
  const starts = index.documentStarts;
  let lo = 0;
  let hi = starts.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= p) lo = mid;
    else hi = mid;
  }
  return lo;
}
