import { describe, expect, it } from "vitest";
import { poseidon } from "../poseidon.ts";
import { ROWS_TREE, contentRoot, verifyRowProof } from "../provenance/content-root.ts";
import { zeroHashes } from "../smt.ts";
import { CHUNK_TOKENS, PAD_TOKEN, chunkLeaves, chunkProof, textRoot, tokenStream } from "./text-root.ts";
import { END_TOKEN, encodeText } from "./tokenizer.ts";

describe("textRoot", () => {
  it("ends every document with END", () => {
    const s = tokenStream(["a b", "c"]);
    expect(Array.from(s)).toEqual([...encodeText("a b"), END_TOKEN, ...encodeText("c"), END_TOKEN]);
  });

  it("hashes 16-token chunks padded with PAD into the rows tree", () => {
    const stream = Array.from({ length: 20 }, (_, i) => i);
    const leaves = chunkLeaves(stream);
    expect(leaves).toHaveLength(2);
    expect(leaves[1]).toBe(
      poseidon([16n, 17n, 18n, 19n, ...Array<bigint>(CHUNK_TOKENS - 4).fill(BigInt(PAD_TOKEN))]),
    );
    expect(textRoot(stream)).toBe(contentRoot(leaves));
    expect(textRoot([])).toBe(zeroHashes(ROWS_TREE)[ROWS_TREE.depth]);
  });

  it("opens any chunk against the root, and no other stream's", () => {
    const stream = tokenStream([
      "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election",
      "produced no evidence that any irregularities took place.",
    ]);
    const root = textRoot(stream);
    const proof = chunkProof(stream, 1);
    expect(verifyRowProof(root, proof)).toBe(true);
    expect(verifyRowProof(textRoot(stream.slice(1)), proof)).toBe(false);
  });

  it("gives the vectors of docs/protocol.md §12.3", () => {
    const stream = tokenStream(["The Fulton County Grand Jury said Friday"]);
    expect(`0x${textRoot(stream).toString(16).padStart(64, "0")}`).toBe(
      "0x063baacd48b25cf713019289f4d048147bb391a2675329963c286cbef2ac9c9f",
    );
  });
});
