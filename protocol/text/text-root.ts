import type { Field } from "../field.ts";
import { poseidon } from "../poseidon.ts";
import { contentRoot, rowProof } from "../provenance/content-root.ts";
import type { MerkleProof } from "../smt.ts";
import { END_TOKEN, encodeText } from "./tokenizer.ts";

/** Tokens per chunk: one Poseidon(16) leaf (docs/protocol.md §12.3). */
export const CHUNK_TOKENS = 16;

/** Pads the last chunk; no token has this id, so padding never matches a span. */
export const PAD_TOKEN = 65_535;

/** A text contribution's token stream: each document's tokens followed by END (§12.2). */
export function tokenStream(documents: readonly string[]): Uint16Array {
  const parts = documents.map(encodeText);
  const out = new Uint16Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    out[at++] = END_TOKEN;
  }
  return out;
}

/** Chunk `j` of `stream`: 16 tokens, PAD past the end. */
export function chunkTokens(stream: ArrayLike<number>, j: number): number[] {
  return Array.from({ length: CHUNK_TOKENS }, (_, i) => stream[j * CHUNK_TOKENS + i] ?? PAD_TOKEN);
}

/** The leaves of `stream`'s chunks: Poseidon of each chunk's 16 tokens. */
export function chunkLeaves(stream: ArrayLike<number>): Field[] {
  const count = Math.ceil(stream.length / CHUNK_TOKENS);
  return Array.from({ length: count }, (_, j) => poseidon(chunkTokens(stream, j).map(BigInt)));
}

/** textRoot (§12.3): the ROWS_TREE root over the chunk leaves. */
export function textRoot(stream: ArrayLike<number>): Field {
  return contentRoot(chunkLeaves(stream));
}

/** The §3 path of chunk `j` to textRoot(stream). */
export function chunkProof(stream: ArrayLike<number>, j: number): MerkleProof {
  return rowProof(chunkLeaves(stream), j);
}
