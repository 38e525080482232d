import { describe, expect, it } from "vitest";
import { verifyRowProof } from "../provenance/content-root.ts";
import { rejectionCode } from "../testing.ts";
import { spanChunkProofs, spanChunks } from "./span-chunks.ts";
import { CHUNK_TOKENS, PAD_TOKEN, chunkLeaves, textRoot } from "./text-root.ts";
import { END_TOKEN } from "./tokenizer.ts";

const codeOf = (f: () => unknown) => rejectionCode(Promise.resolve().then(f));

describe("spanChunks", () => {
  it("names the chunks a span touches (docs/protocol.md §12.4)", () => {
    expect(spanChunks(0, 1)).toEqual([0]);
    expect(spanChunks(0, 16)).toEqual([0]);
    expect(spanChunks(15, 2)).toEqual([0, 1]);
    expect(spanChunks(16, 16)).toEqual([1]);
    expect(spanChunks(17, 16)).toEqual([1, 2]);
    expect(spanChunks(10, 40)).toEqual([0, 1, 2, 3]);
  });

  it("refuses what is no span", async () => {
    for (const [p, l] of [
      [-1, 2],
      [0, 0],
      [1.5, 2],
    ]) {
      expect(await codeOf(() => spanChunks(p!, l!))).toBe("INVALID_PROOF");
    }
  });
});

describe("spanChunkProofs", () => {
  // 50 tokens: 0..29, END, 31..49; chunks 0..3, the last padded.
  const stream = Array.from({ length: 50 }, (_, i) => (i === 30 ? END_TOKEN : i));
  const root = textRoot(stream);

  it("opens each touched chunk against textRoot, the span's tokens inside", () => {
    const opened = spanChunkProofs(stream, 12, 8);
    expect(opened.map((c) => c.index)).toEqual([0, 1]);
    for (const c of opened) {
      expect(verifyRowProof(root, c.proof)).toBe(true);
      expect(c.proof.index).toBe(BigInt(c.index));
    }
    const joined = opened.flatMap((c) => c.tokens);
    const first = opened[0]!.index * CHUNK_TOKENS;
    expect(joined.slice(12 - first, 20 - first)).toEqual(stream.slice(12, 20));
    const last = spanChunkProofs(stream, 40, 10, chunkLeaves(stream));
    expect(last.map((c) => c.index)).toEqual([2, 3]);
    expect(last[1]!.tokens.slice(2)).toEqual(Array(14).fill(PAD_TOKEN));
    expect(verifyRowProof(root, last[1]!.proof)).toBe(true);
    expect(verifyRowProof(textRoot(stream.slice(1)), last[1]!.proof)).toBe(false);
  });

  it("refuses a span across a document boundary or past the stream", async () => {
    expect(() => spanChunkProofs(stream, 28, 4)).toThrow(/holds END at 30/);
    expect(() => spanChunkProofs(stream, 45, 6)).toThrow(/runs past the stream's 50 tokens/);
    expect(await codeOf(() => spanChunkProofs(stream, 28, 4))).toBe("INVALID_PROOF");
  });
});
