import { mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rejectionCode } from "../protocol/testing.ts";
import { hashRows, rowsPlaintext } from "./rows.ts";
import {
  parseCsvLine,
  parseJsonlLine,
  rowFilePlaintext,
  rowFormatOf,
  scanRowFile,
  textLines,
} from "./row-file.ts";

const SCHEMA = { features: { count: 3, kind: "numeric" }, label: { kind: "class", classes: 10 } } as const;
const dir = mkdtempSync(join(tmpdir(), "openledger-row-file-"));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* pieces(...parts: Uint8Array[]) {
  yield* parts;
}

describe("rows files", () => {
  it("splits lines across chunks, CRLF and multi-byte characters included", async () => {
    const bytes = Buffer.from('{"a":"é"}\r\nsecond\n\nlast', "utf8");
    // Cut inside the two-byte é and between \r and \n.
    const cuts = [7, 10, 11];
    const parts = [0, ...cuts].map((at, i) => bytes.subarray(at, [...cuts, bytes.length][i]));
    expect(await collect(textLines(pieces(...parts)))).toEqual(['{"a":"é"}', "second", "", "last"]);
  });

  it("parses JSONL and CSV lines, saying why a line holds no row", () => {
    expect(parseJsonlLine('{"features":[1,2],"label":3}')).toEqual({ label: 3, features: [1, 2] });
    expect(parseJsonlLine("   ")).toBeUndefined();
    expect(parseJsonlLine("[1,2]")).toEqual({ problem: expect.stringMatching(/not a JSON object/) });
    expect(parseJsonlLine('{"label":1,"features":[1],"x":0}')).toEqual({ problem: 'unknown field "x"' });
    expect(parseJsonlLine('{"label":1,"features":[Infinity]}')).toEqual({
      problem: "holds NaN or Infinity, which is not a number",
    });
    expect(parseJsonlLine('{"label":1')).toEqual({ problem: expect.stringMatching(/^not JSON: /) });
    expect(parseCsvLine("label,x,y", true)).toBeUndefined();
    expect(parseCsvLine("label,x,y", false)).toEqual({ label: "label", features: ["x", "y"] });
    expect(parseCsvLine(' 3, "1.5",-2e3,.5,NaN,-inf', false)).toEqual({
      label: 3,
      features: [1.5, -2000, 0.5, Number.NaN, -Infinity],
    });
    // Number() would take these; a rows file does not.
    expect(parseCsvLine("1,,0x10", false)).toEqual({ label: 1, features: ["", "0x10"] });
    expect(rowFormatOf("a/b.NDJSON")).toBe("jsonl");
    expect(rowFormatOf("b.csv")).toBe("csv");
    expect(rowFormatOf("b.txt")).toBeUndefined();
  });

  it("gives the plaintext and row hashes of the rows it holds, and refuses a file changed in between", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ label: i % 10, features: [i, -i / 3, 1e-7 * i] }));
    const file = join(dir, "rows.csv");
    await writeFile(file, rows.map((r) => `${r.label},${r.features.join(",")}`).join("\n"));
    const source = {
      count: rows.length,
      label: (i: number) => rows[i]!.label,
      features: (i: number) => rows[i]!.features,
    };
    const seen: number[] = [];
    const scanned = await scanRowFile(file, "csv", SCHEMA, (done) => seen.push(done));
    const expected = hashRows(source);
    expect(scanned.rowCount).toBe(300);
    expect(scanned.rowHashes).toEqual(expected.rowHashes);
    expect(scanned.plaintextLength).toBe(expected.plaintextLength);
    expect(seen.at(-1)).toBeGreaterThan(0);
    const plain = Buffer.concat(await collect(rowFilePlaintext(file, "csv", SCHEMA, scanned)));
    expect(plain).toEqual(Buffer.concat(await collect(rowsPlaintext(source))));

    await writeFile(file, rows.map((r) => `${r.label},${r.features.join(",")}`).join("\n") + "\n1,0,0,0");
    expect(await rejectionCode(collect(rowFilePlaintext(file, "csv", SCHEMA, scanned)))).toBe("FILE_CHANGED");
  });

  it("lists at most twenty bad lines and counts the rest", async () => {
    const file = join(dir, "bad.jsonl");
    await writeFile(file, Array.from({ length: 25 }, () => '{"label":1,"features":[1]}').join("\n"));
    const p = scanRowFile(file, "jsonl", SCHEMA);
    await expect(p).rejects.toThrow(/25 lines do not fit[\s\S]*line 20: 1 features[\s\S]*and 5 more$/);
    expect(await rejectionCode(scanRowFile(file, "jsonl", SCHEMA))).toBe("INVALID_ROWS");
  });
});
