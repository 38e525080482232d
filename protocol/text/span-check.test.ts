import { describe, expect, it } from "vitest";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { spanVectors } from "../vectors/spans.ts";
import { pieceCredit, pieceOf, spanProofCredit } from "./span-check.ts";
import { checkSpan, type SpanCheck, spanPieces } from "./span-pieces.ts";
import { buildSpanProof, ChunkedStream, spanPieceInput } from "./span-witness.ts";
import { END_TOKEN } from "./tokenizer.ts";

const vectors = spanVectors();

/** The check an INVALID_SPAN names, or the error when it is something else. */
function refusal(run: () => unknown): SpanCheck | unknown {
  try {
    run();
  } catch (e) {
    if (e instanceof OpenLedgerError && e.code === ErrorCode.InvalidSpan) return e.details?.check;
    return e;
  }
  return "accepted";
}

describe("spans (docs/protocol.md §12.4)", () => {
  it("cuts a span into consecutive pieces of at most 16", () => {
    expect(spanPieces({ p: 5, q: 40, length: 37 })).toEqual([
      { p: 5, q: 40, length: 16 },
      { p: 21, q: 56, length: 16 },
      { p: 37, q: 72, length: 5 },
    ]);
    expect(spanPieces({ p: 0, q: 0, length: 16 })).toHaveLength(1);
  });

  it("holds only where both streams share the tokens, none END or PAD", () => {
    const content = [1, 2, 3, END_TOKEN, 4, 5];
    const output = [9, 2, 3, END_TOKEN, 4];
    expect(refusal(() => checkSpan(content, output, { p: 1, q: 1, length: 2 }))).toBe("accepted");
    expect(refusal(() => checkSpan(content, output, { p: 0, q: 0, length: 2 }))).toBe("equality");
    expect(refusal(() => checkSpan(content, output, { p: 1, q: 1, length: 4 }))).toBe("boundary");
    expect(refusal(() => checkSpan(content, output, { p: 4, q: 4, length: 2 }))).toBe("range");
    expect(refusal(() => checkSpan(content, output, { p: 1, q: 1, length: 0 }))).toBe("range");
  });

  it("gives no witness for a span the contribution does not hold, or spans out of output order", () => {
    const a = new ChunkedStream([1, 2, 3, 4, END_TOKEN]);
    const out = new ChunkedStream([3, 4, 7, 1, 2]);
    expect(refusal(() => buildSpanProof(a, out, [{ p: 2, q: 0, length: 3 }], 2))).toBe("equality");
    const spans = [
      { p: 0, q: 3, length: 2 },
      { p: 2, q: 0, length: 2 },
    ];
    expect(refusal(() => buildSpanProof(a, out, spans, 2))).toBe("order");
    expect(spanProofCredit(buildSpanProof(a, out, [...spans].reverse(), 2))).toBe(4);
    expect(refusal(() => buildSpanProof(a, out, [...spans].reverse(), 1))).toBe("slots");
  });
});

describe("the span circuit's twin on the shared vectors", () => {
  it.each(vectors.accepted)("credits $name", ({ input, credited }) => {
    expect(spanProofCredit(input)).toBe(credited);
  });

  it.each(vectors.refused)("refuses $name ($check)", ({ input, check }) => {
    expect(refusal(() => spanProofCredit(input))).toBe(check);
  });

  it("refuses each lie in the piece it targets, and each lie but the order ones on its own", () => {
    for (const { input, check } of vectors.refused) {
      if (check === "order") {
        expect([0, 1].map((n) => refusal(() => pieceCredit(input, pieceOf(input, n))))).toEqual([
          "accepted",
          "accepted",
        ]);
      } else {
        expect(refusal(() => pieceCredit(input, pieceOf(input, 0)))).toBe(check);
      }
    }
  });

  it("leaves the second chunk unopened only when the piece does not reach it", () => {
    const { input } = vectors.accepted[0]!;
    // Piece 0 reads content 8..23 of its pair and output 3..18: both reach the second chunk.
    const broken = structuredClone(pieceOf(input, 0));
    broken.outputSiblings[1]![0]![0]! += 1n;
    expect(refusal(() => pieceCredit(input, broken))).toBe("opening");
    // Piece 1 (4 tokens from content offset 8, output offset 3) does not: its second chunks are free.
    const free = structuredClone(pieceOf(input, 1));
    free.contentTokens[1] = free.contentTokens[1]!.map(() => 0);
    free.outputSiblings[1]![0]![0]! += 1n;
    expect(pieceCredit(input, free)).toBe(4);
  });

  it("credits nothing for an unused slot, whatever it names", () => {
    const a = new ChunkedStream([1, 2, 3]);
    expect(
      pieceCredit({ contentRoot: 1n, outputRoot: 2n }, spanPieceInput(a, a, { p: 0, q: 0, length: 0 })),
    ).toBe(0);
  });
});
