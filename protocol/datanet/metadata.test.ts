import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fieldToHex } from "../field.ts";
import { digestToField } from "../provenance/rows.ts";
import { blobIdCandidates, blobUriCommitment } from "../provenance/uri-commitment.ts";
import { rejectionCode } from "../testing.ts";
import {
  canonicalMetadata,
  checkMetadata,
  type DatanetMetadata,
  metadataFromBytes,
  metadataHash,
  parseMetadata,
  rowProblem,
  tabularMetadata,
} from "./metadata.ts";

// Test vector of docs/protocol.md §10.1: any implementation must reproduce it.
const MNIST: DatanetMetadata = {
  version: 1,
  name: "MNIST digits",
  description: "28x28 greyscale digits, pixels in [0, 1]",
  schema: { features: { count: 784, kind: "numeric" }, label: { kind: "class", classes: 10 } },
  license: 1,
};
const CANONICAL =
  '{"description":"28x28 greyscale digits, pixels in [0, 1]","license":1,"name":"MNIST digits",' +
  '"schema":{"features":{"count":784,"kind":"numeric"},"label":{"classes":10,"kind":"class"}},"version":1}';
const TEXT_HASH = "0x2ed0d62aa596b43490d19d4ed6eea37b2899d7dea6e4a9c325f545e9bf1ef649";
const HASH = "0x12cbd7d8b8f6ae2f31b959c3b993ec553144e47c663f8849b56e525962d7b655";

// Test vector of docs/protocol.md §10.1 for a text Datanet (version 2).
const TEXT: DatanetMetadata = {
  version: 2,
  name: "Brown press",
  description: "Brown Corpus, genre A",
  schema: { kind: "text", tokenizer: "0x168da34489164d55bc9e707c1a91ad6246bc0f00061189b856df360e4aaf7bf8" },
  license: 2,
};
const TEXT_CANONICAL =
  '{"description":"Brown Corpus, genre A","license":2,"name":"Brown press",' +
  '"schema":{"kind":"text","tokenizer":"0x168da34489164d55bc9e707c1a91ad6246bc0f00061189b856df360e4aaf7bf8"},"version":2}';

const utf8 = (s: string) => new TextEncoder().encode(s);
const codeOf = (f: () => unknown) => rejectionCode(Promise.resolve().then(f));

describe("Datanet metadata", () => {
  it("has one canonical form and hash whatever the layout it was written in", () => {
    expect(new TextDecoder().decode(canonicalMetadata(MNIST))).toBe(CANONICAL);
    expect(fieldToHex(metadataHash(MNIST))).toBe(HASH);
    const pretty = JSON.stringify(
      {
        license: 1,
        schema: { label: { classes: 10, kind: "class" }, features: MNIST.schema.features },
        version: 1,
        name: MNIST.name,
        description: MNIST.description,
      },
      null,
      2,
    );
    expect(fieldToHex(metadataHash(parseMetadata(utf8(pretty))))).toBe(HASH);
    expect(metadataHash({ ...MNIST, license: 2 })).not.toBe(metadataHash(MNIST));
  });

  it("describes a text Datanet as version 2, with its own canonical form and hash", async () => {
    expect(new TextDecoder().decode(canonicalMetadata(TEXT))).toBe(TEXT_CANONICAL);
    const hash = metadataHash(TEXT);
    expect(fieldToHex(hash)).toBe(TEXT_HASH);
    expect(metadataFromBytes(canonicalMetadata(TEXT), hash)).toEqual(TEXT);
    expect(tabularMetadata(MNIST, "Datanet 1")).toBe(MNIST);
    expect(await codeOf(() => tabularMetadata(TEXT, "Datanet 2"))).toBe("WRONG_DATANET_KIND");
  });

  it("refuses documents that break the format, saying what is wrong", async () => {
    const bad: Array<[unknown, RegExp]> = [
      [[], /must be a JSON object/],
      [{ ...MNIST, version: 3 }, /version must be 1 or 2/],
      [{ ...MNIST, version: 2 }, /schema.kind must be "text" in version 2/],
      [{ ...TEXT, version: 1 }, /unknown field schema.kind/],
      [{ ...TEXT, schema: { kind: "text", tokenizer: "0xAB" } }, /schema.tokenizer must be a tokenizerHash/],
      [{ ...TEXT, schema: { ...TEXT.schema, extra: 1 } }, /unknown field schema.extra/],
      [{ ...MNIST, extra: 1 }, /unknown field extra/],
      [{ ...MNIST, name: "" }, /name must be a string of 1 to 200/],
      [{ ...MNIST, license: 70_000 }, /license must be an integer in \[0, 65535\]/],
      [{ ...MNIST, schema: { features: MNIST.schema.features } }, /missing field schema.label/],
      [{ ...MNIST, schema: { ...MNIST.schema, features: { count: 0, kind: "numeric" } } }, /features.count/],
      [{ ...MNIST, schema: { ...MNIST.schema, features: { count: 3, kind: "text" } } }, /"numeric"/],
      [{ ...MNIST, schema: { ...MNIST.schema, label: { kind: "class", classes: 2.5 } } }, /label.classes/],
      [{ ...MNIST, schema: { ...MNIST.schema, label: { kind: "real", classes: 2 } } }, /"class"/],
    ];
    for (const [doc, why] of bad) {
      expect(() => checkMetadata(doc)).toThrow(why);
      expect(await codeOf(() => checkMetadata(doc))).toBe("INVALID_METADATA");
    }
    expect(() => parseMetadata(utf8("{"))).toThrow(/not UTF-8 JSON/);
    expect(() => parseMetadata(Uint8Array.of(0xff))).toThrow(/not UTF-8 JSON/);
  });

  it("accepts fetched bytes only if canonical and of the expected hash", async () => {
    const bytes = canonicalMetadata(MNIST);
    expect(metadataFromBytes(bytes, BigInt(HASH))).toEqual(MNIST);
    expect(await codeOf(() => metadataFromBytes(bytes, BigInt(HASH) + 1n))).toBe("METADATA_MISMATCH");
    const spaced = utf8(`${CANONICAL} `);
    const spacedHash = digestToField(createHash("sha256").update(spaced).digest());
    expect(() => metadataFromBytes(spaced, spacedHash)).toThrow(/not in canonical form/);
  });

  it("checks a row against the schema", () => {
    const s = { features: { count: 3, kind: "numeric" }, label: { kind: "class", classes: 4 } } as const;
    expect(rowProblem(s, 3, [0, -1.5, 1e6])).toBeUndefined();
    expect(rowProblem(s, 4, [0, 0, 0])).toMatch(/label 4 is not a class index in \[0, 3\]/);
    expect(rowProblem(s, 1.5, [0, 0, 0])).toMatch(/label 1.5/);
    expect(rowProblem(s, "1", [0, 0, 0])).toMatch(/label "1"/);
    expect(rowProblem(s, 1, [0, 0])).toMatch(/2 features, the schema has 3/);
    expect(rowProblem(s, 1, [0, Number.NaN, 0])).toMatch(/feature 2 is NaN/);
    expect(rowProblem(s, 1, [0, 0, -Infinity])).toMatch(/feature 3 is -Infinity/);
    expect(rowProblem(s, 1, [0, "x", 0])).toMatch(/feature 2 is "x", not a number/);
    expect(rowProblem(s, 1, [2 ** 37, 0, 0])).toMatch(/beyond the fixed-point range/);
  });
});

describe("uriCommitment of a stored blob", () => {
  it("is the blob id mod r, and the blob id is among its candidates", () => {
    const top = "ff".repeat(32);
    expect(fieldToHex(blobUriCommitment(top))).toBe(
      "0x0e0a77c19a07df2f666ea36f7879462e36fc76959f60cd29ac96341c4ffffffa",
    );
    const candidates = blobIdCandidates(blobUriCommitment(top));
    expect(candidates).toHaveLength(6);
    expect(candidates.at(-1)).toBe(top);
    const small = `${"00".repeat(31)}01`;
    expect(blobIdCandidates(blobUriCommitment(small))[0]).toBe(small);
    for (const id of blobIdCandidates(blobUriCommitment(small))) expect(blobUriCommitment(id)).toBe(1n);
    expect(() => blobUriCommitment("AB".repeat(32))).toThrow(/lowercase hex/);
  });
});
