import { describe, expect, it } from "vitest";
import { fieldToHex } from "../field.ts";
import { rejectionCode } from "../testing.ts";
import { decodeDocuments, documentBytes, encodeDocuments } from "./documents.ts";
import { textContribution } from "./text-contribution.ts";
import { textRoot, tokenStream } from "./text-root.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const codeOf = (f: () => unknown) => rejectionCode(Promise.resolve().then(f));

describe("documents file", () => {
  it("frames each document's NFC UTF-8 bytes with a u32 length (docs/protocol.md §12.2)", () => {
    // "é" written as e + combining acute is stored as the one code point U+00E9.
    const bytes = encodeDocuments(["a", "e\u0301"]);
    expect(hex(bytes)).toBe("00000001" + "61" + "00000002" + "c3a9");
    expect(decodeDocuments(bytes)).toEqual(["a", "\u00e9"]);
    expect(decodeDocuments(new Uint8Array(0))).toEqual([]);
  });

  it("refuses empty documents, bad framing, non-UTF-8 and non-NFC bytes, naming the document", async () => {
    expect(await codeOf(() => documentBytes(""))).toBe("INVALID_DOCUMENTS");
    expect(() => encodeDocuments(["x", ""])).toThrow(/document 1 is empty/);
    const bad: Array<[string, RegExp]> = [
      ["0000000161" + "000000", /document 1: the file ends inside its length/],
      ["00000000", /document 0 is empty/],
      ["0000000561", /document 0: 5 bytes announced, 1 left/],
      ["00000002c328", /document 0 is not UTF-8/],
      ["0000000365cc81", /document 0 is not in NFC form/],
    ];
    for (const [h, why] of bad) {
      const bytes = new Uint8Array(Buffer.from(h, "hex"));
      expect(() => decodeDocuments(bytes)).toThrow(why);
      expect(await codeOf(() => decodeDocuments(bytes))).toBe("INVALID_DOCUMENTS");
    }
  });
});

describe("textContribution", () => {
  it("commits to textRoot(tokenStream(documents)) and counts documents", () => {
    const one = textContribution(["The Fulton County Grand Jury said Friday"]);
    expect(fieldToHex(one.contentRoot)).toBe(
      "0x063baacd48b25cf713019289f4d048147bb391a2675329963c286cbef2ac9c9f",
    );
    expect(one.rowCount).toBe(1);
    // Enough text for several blocks of chunks: the blockwise root is the one-shot root.
    const docs = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: ${"words follow words. ".repeat(60)}`);
    const phases = new Set<string>();
    const many = textContribution(docs, (phase) => phases.add(phase));
    const stream = tokenStream(docs);
    expect(many.tokens).toBe(stream.length);
    expect(many.contentRoot).toBe(textRoot(stream));
    expect(many.rowCount).toBe(40);
    expect(decodeDocuments(many.bytes)).toEqual(docs);
    expect([...phases]).toEqual(["tokenize", "hash"]);
    // Distinct documents, distinct hashes: the duplicate index tells them apart.
    expect(hex(many.documentHashes.subarray(0, 32))).not.toBe(hex(many.documentHashes.subarray(32, 64)));
  });
});
