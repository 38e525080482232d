import { hash } from "node:crypto";
import { Tiktoken } from "js-tiktoken/lite";
import gpt2 from "js-tiktoken/ranks/gpt2";
import type { Field } from "../field.ts";
import { digestToField } from "../provenance/rows.ts";

/**
 * The network's one tokenizer (docs/protocol.md §12): GPT-2's byte-level BPE (the `gpt2`
 * ranks, 50,257 ids) as shipped by js-tiktoken, pinned to an exact version in package.json.
 * Every id is below 2^16, so a token stream is a Uint16Array and a chunk of 16 tokens packs
 * into one Poseidon(16) leaf. Text is NFC-normalised first, so that two encodings of the same
 * characters give the same tokens.
 */
export const VOCAB_SIZE = 50_257;

/** `<|endoftext|>`: ends every document of a text contribution; never inside a span. */
export const END_TOKEN = 50_256;

const encoder = new Tiktoken(gpt2);

/**
 * tokenizerHash: SHA-256 of the UTF-8 JSON `[pat_str, special_tokens, bpe_ranks]` of the
 * ranks the encoder runs with, reduced mod r. A model record names the tokenizer by it, and
 * a node refuses a model whose hash differs from its own (a different vocabulary would
 * make every span and every replay disagree).
 */
export const TOKENIZER_HASH: Field = digestToField(
  new Uint8Array(
    hash(
      "sha256",
      Buffer.from(JSON.stringify([gpt2.pat_str, gpt2.special_tokens, gpt2.bpe_ranks]), "utf8"),
      "buffer",
    ),
  ),
);

/** The token ids of `text` (NFC first); special-token strings are encoded as plain text. */
export function encodeText(text: string): Uint16Array {
  return Uint16Array.from(encoder.encode(text.normalize("NFC"), [], []));
}

/** The text of `tokens`; throws on an id outside the vocabulary. */
export function decodeTokens(tokens: ArrayLike<number>): string {
  const ids = Array.from(tokens);
  const bad = ids.find((t) => !Number.isInteger(t) || t < 0 || t >= VOCAB_SIZE);
  if (bad !== undefined)
    throw new RangeError(`token ${bad} is outside the vocabulary (0..${VOCAB_SIZE - 1})`);
  return encoder.decode(ids);
}
