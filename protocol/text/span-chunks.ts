import type { Field } from "../field.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { rowProof } from "../provenance/content-root.ts";
import type { MerkleProof } from "../smt.ts";
import { CHUNK_TOKENS, chunkLeaves, chunkTokens } from "./text-root.ts";
import { END_TOKEN } from "./tokenizer.ts";

/**
 * The chunks a span opens (docs/protocol.md §12.4): the tokens `[start, start + length)` of a
 * stream lie in chunks `⌊start/16⌋ … ⌊(start + length − 1)/16⌋`, each proven by its §3 path
 * to the stream's textRoot.
 */
export function spanChunks(start: number, length: number): number[] {
  if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(length) || length < 1) {
    throw new OpenLedgerError(
      ErrorCode.InvalidProof,
      `a span is a start ≥ 0 and a length ≥ 1, got ${start} and ${length}`,
    );
  }
  const first = Math.floor(start / CHUNK_TOKENS);
  const last = Math.floor((start + length - 1) / CHUNK_TOKENS);
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
}

export interface SpanChunk {
  /** The chunk's index in the stream. */
  readonly index: number;
  /** Its 16 tokens, PAD past the stream's end. */
  readonly tokens: number[];
  /** Its path to textRoot(stream): `proof.leaf` is Poseidon of the tokens. */
  readonly proof: MerkleProof;
}

/**
 * The opened chunks of the span `[start, start + length)` of `stream`. Refused
 * (INVALID_PROOF) if the span runs past the stream or holds END: a span never crosses a
 * document boundary. `leaves` are the stream's chunk leaves, passed in when several spans of
 * one large stream are opened (hashing them is the cost: about 0.3 ms a chunk).
 */
export function spanChunkProofs(
  stream: ArrayLike<number>,
  start: number,
  length: number,
  leaves: readonly Field[] = chunkLeaves(stream),
): SpanChunk[] {
  const chunks = spanChunks(start, length);
  if (start + length > stream.length) {
    throw new OpenLedgerError(
      ErrorCode.InvalidProof,
      `span [${start}, ${start + length}) runs past the stream's ${stream.length} tokens`,
    );
  }
  for (let i = start; i < start + length; i++) {
    if (stream[i] === END_TOKEN) {
      throw new OpenLedgerError(
        ErrorCode.InvalidProof,
        `span [${start}, ${start + length}) holds END at ${i}`,
      );
    }
  }
  return chunks.map((index) => ({
    index,
    tokens: chunkTokens(stream, index),
    proof: rowProof(leaves, index),
  }));
}
