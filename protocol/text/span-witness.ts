/**
 * The input of the span circuit (`SpanProof`, circuits/lib/text/): chunks and paths of the two
 * streams at each piece's offsets (docs/protocol.md §12.4). `buildSpanProof` checks the spans
 * first; `spanPieceInput` builds what a piece claims unchecked, for tests of lies.
 */
import type { Field } from "../field.ts";
import { ROWS_TREE, contentRoot, rowProof } from "../provenance/content-root.ts";
import { checkSpan, type Span, spanError, spanPieces } from "./span-pieces.ts";
import { CHUNK_TOKENS, chunkLeaves, chunkTokens } from "./text-root.ts";

/** One piece's signals of `SpanPiece` (circuits/lib/text/span_piece.circom). */
export interface SpanPieceInput {
  contentIndex: number;
  contentOffset: number;
  contentTokens: number[][];
  contentSiblings: Field[][][];
  outputIndex: number;
  outputOffset: number;
  outputTokens: number[][];
  outputSiblings: Field[][][];
  length: number;
}

/** The signals of `SpanProof(PIECES, 4, 16)`: both roots, then each piece's, piece-major. */
export interface SpanProofInput {
  contentRoot: Field;
  outputRoot: Field;
  contentIndex: number[];
  contentOffset: number[];
  contentTokens: number[][][];
  contentSiblings: Field[][][][];
  outputIndex: number[];
  outputOffset: number[];
  outputTokens: number[][][];
  outputSiblings: Field[][][][];
  length: number[];
}

const zeroPath = (): Field[][] =>
  Array.from({ length: ROWS_TREE.depth }, () => Array<Field>(ROWS_TREE.arity - 1).fill(0n));

/** A token stream with its chunk leaves hashed once: its textRoot and the chunks pieces open. */
export class ChunkedStream {
  readonly leaves: Field[];
  readonly root: Field;

  constructor(readonly stream: ArrayLike<number>) {
    this.leaves = chunkLeaves(stream);
    this.root = contentRoot(this.leaves);
  }

  /**
   * Chunks `j` and `j + 1`, tokens and §3 paths. A chunk past the end (PAD, a zero path) is
   * only ever the second of a piece that does not reach it, which the circuit leaves unopened.
   */
  pair(j: number): { tokens: number[][]; siblings: Field[][][] } {
    const chunks = [j, j + 1];
    return {
      tokens: chunks.map((c) => chunkTokens(this.stream, c)),
      siblings: chunks.map((c) =>
        c < this.leaves.length ? rowProof(this.leaves, c).siblings.map((l) => [...l]) : zeroPath(),
      ),
    };
  }
}

/** The witness a piece claims, whether or not it holds: the circuit (or `pieceCredit`) decides. */
export function spanPieceInput(content: ChunkedStream, output: ChunkedStream, piece: Span): SpanPieceInput {
  const c = content.pair(Math.floor(piece.p / CHUNK_TOKENS));
  const o = output.pair(Math.floor(piece.q / CHUNK_TOKENS));
  return {
    contentIndex: Math.floor(piece.p / CHUNK_TOKENS),
    contentOffset: piece.p % CHUNK_TOKENS,
    contentTokens: c.tokens,
    contentSiblings: c.siblings,
    outputIndex: Math.floor(piece.q / CHUNK_TOKENS),
    outputOffset: piece.q % CHUNK_TOKENS,
    outputTokens: o.tokens,
    outputSiblings: o.siblings,
    length: piece.length,
  };
}

/** An unused slot: length 0, every other signal 0; it proves nothing and credits nothing. */
export function unusedPiece(): SpanPieceInput {
  const tokens = () => [Array<number>(CHUNK_TOKENS).fill(0), Array<number>(CHUNK_TOKENS).fill(0)];
  return {
    contentIndex: 0,
    contentOffset: 0,
    contentTokens: tokens(),
    contentSiblings: [zeroPath(), zeroPath()],
    outputIndex: 0,
    outputOffset: 0,
    outputTokens: tokens(),
    outputSiblings: [zeroPath(), zeroPath()],
    length: 0,
  };
}

/** SpanProof's input from its pieces, the unused slots after them; refuses more pieces than slots. */
export function spanProofInput(
  roots: { contentRoot: Field; outputRoot: Field },
  pieces: readonly SpanPieceInput[],
  slots: number,
): SpanProofInput {
  if (pieces.length > slots) {
    throw spanError("slots", `${pieces.length} pieces do not fit a span circuit of ${slots}`);
  }
  const all = [...pieces, ...Array.from({ length: slots - pieces.length }, unusedPiece)];
  return {
    ...roots,
    contentIndex: all.map((x) => x.contentIndex),
    contentOffset: all.map((x) => x.contentOffset),
    contentTokens: all.map((x) => x.contentTokens),
    contentSiblings: all.map((x) => x.contentSiblings),
    outputIndex: all.map((x) => x.outputIndex),
    outputOffset: all.map((x) => x.outputOffset),
    outputTokens: all.map((x) => x.outputTokens),
    outputSiblings: all.map((x) => x.outputSiblings),
    length: all.map((x) => x.length),
  };
}

/**
 * The witness that `spans` of one contribution hold in one output (§12.4): each span checked
 * (INVALID_SPAN when its tokens are not shared), cut into pieces of at most 16, the spans in
 * increasing output order and disjoint in the output, as SpanProof requires.
 */
export function buildSpanProof(
  content: ChunkedStream,
  output: ChunkedStream,
  spans: readonly Span[],
  slots: number,
): SpanProofInput {
  let end = 0;
  for (const span of spans) {
    checkSpan(content.stream, output.stream, span);
    if (span.q < end) {
      throw spanError(
        "order",
        `span (${span.p}, ${span.q}, ${span.length}) starts before output offset ${end}, where the previous one ends`,
      );
    }
    end = span.q + span.length;
  }
  const pieces = spans.flatMap(spanPieces).map((piece) => spanPieceInput(content, output, piece));
  return spanProofInput({ contentRoot: content.root, outputRoot: output.root }, pieces, slots);
}
