import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tokenStream } from "../../../protocol/text/text-root.ts";
import { loadBrown } from "../../datasets/text-corpora.ts";
import { buildContributionIndex } from "./contribution-index.ts";
import { SpanIndexCache } from "./index-cache.ts";
import { decodeIndexFile, encodeIndexFile } from "./index-file.ts";

const dir = mkdtempSync(join(tmpdir(), "openledger-spans-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stream = tokenStream(
  loadBrown()
    .slice(10, 14)
    .map((d) => d.text),
);
const ROOT = 0x1234n;

describe("span index files", () => {
  it("read back as the index they were written from, at 6 bytes a token plus 36 a document", () => {
    const index = buildContributionIndex(stream);
    const bytes = encodeIndexFile(ROOT, index);
    expect(bytes.length).toBe(
      96 + stream.length * 6 + (stream.length % 2) * 2 + index.documentStarts.length * 36,
    );
    const misaligned = Buffer.alloc(bytes.length + 1).subarray(1);
    misaligned.set(bytes);
    const back = decodeIndexFile(ROOT, misaligned);
    expect(back.tokens).toEqual(index.tokens);
    expect(back.suffixes).toEqual(index.suffixes);
    expect(back.documentStarts).toEqual(index.documentStarts);
    expect(back.documentHashes).toEqual(index.documentHashes);
  });

  it("refuse a damaged, truncated or foreign file with SPAN_INDEX_CORRUPT", () => {
    const bytes = encodeIndexFile(ROOT, buildContributionIndex(stream));
    const flipped = bytes.slice();
    flipped[1000] = flipped[1000]! ^ 1;
    for (const [bad, root] of [
      [flipped, ROOT],
      [bytes.subarray(0, bytes.length - 4), ROOT],
      [bytes, ROOT + 1n],
    ] as const) {
      expect(() => decodeIndexFile(root, bad)).toThrow(
        expect.objectContaining({ code: "SPAN_INDEX_CORRUPT" }),
      );
    }
  });

  it("are built once per contentRoot and reloaded without rebuilding; a damaged one is rebuilt", async () => {
    let builds = 0;
    const source = () => {
      builds++;
      return stream;
    };
    const first = await new SpanIndexCache(dir).get(ROOT, source);
    const cache = new SpanIndexCache(dir);
    const [a, b] = await Promise.all([cache.get(ROOT, source), cache.get(ROOT, source)]);
    expect(builds).toBe(1);
    expect(a).toBe(b);
    expect(a.suffixes).toEqual(first.suffixes);

    const path = cache.pathOf(ROOT);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    writeFileSync(path, bytes);
    expect((await new SpanIndexCache(dir).get(ROOT, source)).suffixes).toEqual(first.suffixes);
    expect(builds).toBe(2);
    expect(readFileSync(path)).toEqual(Buffer.from(encodeIndexFile(ROOT, first)));
  });
});
