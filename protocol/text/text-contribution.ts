import type { Field } from "../field.ts";
import { ContentRootBuilder } from "../provenance/content-root.ts";
import { documentBytes, documentHash, frameDocument } from "./documents.ts";
import { CHUNK_TOKENS, chunkLeaves, tokenStream } from "./text-root.ts";

/**
 * A text contribution ready to upload and register (docs/protocol.md §12.2–12.3): its
 * documents file, one hash per document for the Datanet's duplicate index, and the
 * contentRoot and rowCount its register-contribution carries.
 */
export interface TextContribution {
  /** The documents file (protocol/text/documents.ts): the plaintext of its blob. */
  readonly bytes: Uint8Array;
  /** SHA-256 of each document's canonical bytes, 32 bytes each, in order. */
  readonly documentHashes: Uint8Array;
  readonly rowCount: number;
  readonly tokens: number;
  /** textRoot of the token stream. */
  readonly contentRoot: Field;
}

/** Progress of `textContribution`: bytes tokenized, then chunks hashed. */
export type TextProgress = (phase: "tokenize" | "hash", done: number, total: number) => void;

/** Chunks hashed between progress reports: about a third of a second's work. */
const CHUNKS_PER_REPORT = 1024;

/**
 * Builds a contribution from its documents (INVALID_DOCUMENTS for an empty one). The chunk
 * leaves, Poseidon(16) each, are most of the cost (about 4 s a megabyte of English here), so
 * they are hashed a block at a time and reported as they go.
 */
export function textContribution(documents: readonly string[], onProgress?: TextProgress): TextContribution {
  const canonical = documents.map((d, i) => documentBytes(d, `document ${i}`));
  const totalBytes = canonical.reduce((n, b) => n + b.length, 0);
  const documentHashes = new Uint8Array(32 * canonical.length);
  // A stream is the concatenation of each document's own stream (its tokens, then END).
  const parts: Uint16Array[] = [];
  let done = 0;
  canonical.forEach((b, i) => {
    documentHashes.set(documentHash(b), 32 * i);
    parts.push(tokenStream([documents[i]!]));
    done += b.length;
    onProgress?.("tokenize", done, totalBytes);
  });
  const stream = new Uint16Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (stream.set(p, at), at + p.length), 0);
  const chunks = Math.ceil(stream.length / CHUNK_TOKENS);
  const root = new ContentRootBuilder();
  for (let j = 0; j < chunks; j += CHUNKS_PER_REPORT) {
    const block = stream.subarray(j * CHUNK_TOKENS, (j + CHUNKS_PER_REPORT) * CHUNK_TOKENS);
    for (const leaf of chunkLeaves(block)) root.add(leaf);
    onProgress?.("hash", Math.min(chunks, j + CHUNKS_PER_REPORT), chunks);
  }
  return {
    bytes: Buffer.concat(canonical.map(frameDocument)),
    documentHashes,
    rowCount: canonical.length,
    tokens: stream.length,
    contentRoot: root.root(),
  };
}
