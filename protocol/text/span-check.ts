/**
 * The twin of the span circuit (circuits/lib/text/, docs/protocol.md §12.4): the checks of
 * `SpanPiece` and `SpanProof`, refusing with INVALID_SPAN and the check's name exactly where the
 * circuit has no witness (a claim that breaks two checks may be named by either). Tests run
 * both on the shared vectors (protocol/vectors/spans.ts) and on random claims.
 */
import type { Field } from "../field.ts";
import { poseidon } from "../poseidon.ts";
import { ROWS_TREE } from "../provenance/content-root.ts";
import { capacity, verifyProof } from "../smt.ts";
import { PIECE_TOKENS, spanError } from "./span-pieces.ts";
import type { SpanPieceInput, SpanProofInput } from "./span-witness.ts";
import { CHUNK_TOKENS, PAD_TOKEN } from "./text-root.ts";
import { END_TOKEN } from "./tokenizer.ts";

/** The largest chunk index a piece may name: its second chunk, index + 1, must have digits. */
const MAX_INDEX = Number(capacity(ROWS_TREE)) - 2;

function opens(
  root: Field,
  index: number,
  tokens: readonly number[],
  siblings: readonly (readonly Field[])[],
) {
  const leaf = poseidon(tokens.map(BigInt));
  return verifyProof(ROWS_TREE, root, { index: BigInt(index), leaf, siblings });
}

/** One side's 16 tokens from `offset`, its chunks opened as `ChunkPairWindow` opens them. */
function window(
  root: Field,
  side: string,
  index: number,
  offset: number,
  tokens: number[][],
  siblings: Field[][][],
  length: number,
) {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX) {
    throw spanError("range", `the ${side} chunk index ${index} is not below 4^16 - 1`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset >= CHUNK_TOKENS) {
    throw spanError("range", `the ${side} offset ${offset} is not in 0..15`);
  }
  if (length === 0) return [];
  if (!opens(root, index, tokens[0]!, siblings[0]!)) {
    throw spanError("opening", `the ${side} chunk ${index} does not open against its root`);
  }
  if (offset + length > CHUNK_TOKENS && !opens(root, index + 1, tokens[1]!, siblings[1]!)) {
    throw spanError("opening", `the ${side} chunk ${index + 1} does not open against its root`);
  }
  return [...tokens[0]!, ...tokens[1]!].slice(offset, offset + length);
}

/** What one piece credits: its length, once both sides open and agree (`SpanPiece`). */
export function pieceCredit(roots: { contentRoot: Field; outputRoot: Field }, piece: SpanPieceInput): number {
  const { length } = piece;
  if (!Number.isInteger(length) || length < 0 || length > PIECE_TOKENS) {
    throw spanError("range", `a piece's length must be in 0..16, got ${length}`);
  }
  const c = window(
    roots.contentRoot,
    "content",
    piece.contentIndex,
    piece.contentOffset,
    piece.contentTokens,
    piece.contentSiblings,
    length,
  );
  const o = window(
    roots.outputRoot,
    "output",
    piece.outputIndex,
    piece.outputOffset,
    piece.outputTokens,
    piece.outputSiblings,
    length,
  );
  for (let i = 0; i < length; i++) {
    if (c[i] !== o[i])
      throw spanError("equality", `token ${i} is ${c[i]} in the contribution, ${o[i]} in the output`);
  }
  for (let i = 0; i < length; i++) {
    if (c[i] === END_TOKEN || c[i] === PAD_TOKEN)
      throw spanError("boundary", `token ${i} is ${c[i] === END_TOKEN ? "END" : "PAD"}`);
  }
  return length;
}

/** The piece `n` of a SpanProof input. */
export function pieceOf(input: SpanProofInput, n: number): SpanPieceInput {
  return {
    contentIndex: input.contentIndex[n]!,
    contentOffset: input.contentOffset[n]!,
    contentTokens: input.contentTokens[n]!,
    contentSiblings: input.contentSiblings[n]!,
    outputIndex: input.outputIndex[n]!,
    outputOffset: input.outputOffset[n]!,
    outputTokens: input.outputTokens[n]!,
    outputSiblings: input.outputSiblings[n]!,
    length: input.length[n]!,
  };
}

/**
 * What `SpanProof` credits: the sum of its pieces', the used pieces first, each after the
 * previous one's end in the output, so no output token is credited twice.
 */
export function spanProofCredit(input: SpanProofInput): number {
  let total = 0;
  for (let n = 0; n < input.length.length; n++) {
    const piece = pieceOf(input, n);
    total += pieceCredit(input, piece);
    if (n === 0 || piece.length === 0) continue;
    if (input.length[n - 1] === 0) throw spanError("order", `piece ${n} is used after an unused one`);
    const start = CHUNK_TOKENS * piece.outputIndex + piece.outputOffset;
    const previousEnd =
      CHUNK_TOKENS * input.outputIndex[n - 1]! + input.outputOffset[n - 1]! + input.length[n - 1]!;
    if (start < previousEnd) {
      throw spanError(
        "order",
        `piece ${n} starts at output offset ${start}, before the previous one's end ${previousEnd}`,
      );
    }
  }
  return total;
}
