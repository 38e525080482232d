import { mkdirSync, mkdtempSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rejectionCode } from "../protocol/testing.ts";
import { readTextInput } from "./text-input.ts";

let dir: string;
const file = async (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "openledger-text-input-"));
});

describe("readTextInput", () => {
  it("reads a .txt file as one document, a directory's .txt files by name, a .jsonl by line", async () => {
    expect(await readTextInput(await file("one.txt", "Just one.\n"))).toEqual({
      documents: ["Just one.\n"],
      names: [join(dir, "one.txt")],
    });
    mkdirSync(join(dir, "docs"));
    mkdirSync(join(dir, "docs", "sub.txt"));
    await file("docs/b.txt", "second");
    await file("docs/a.txt", "first");
    await file("docs/notes.md", "left out");
    expect((await readTextInput(join(dir, "docs"))).documents).toEqual(["first", "second"]);
    const lines = await file("docs.jsonl", '{"text":"x y"}\r\n\n{"text":"z"}\n');
    expect(await readTextInput(lines)).toEqual({
      documents: ["x y", "z"],
      names: [`${lines}:1`, `${lines}:3`],
    });
  });

  it("refuses what holds no document or a bad one, naming the file or line", async () => {
    const bad: Array<[string, string | Uint8Array, RegExp, string]> = [
      ["latin1.txt", Uint8Array.of(0x63, 0xe9), /latin1\.txt is not UTF-8/, "INVALID_DOCUMENTS"],
      ["empty.txt", "", /empty\.txt is empty/, "INVALID_DOCUMENTS"],
      ["bad.jsonl", '{"text":"a"}\n{"txt":"b"}\n', /bad\.jsonl:2 is not \{"text"/, "INVALID_DOCUMENTS"],
      ["broken.jsonl", "{", /broken\.jsonl:1 is not JSON/, "INVALID_DOCUMENTS"],
      ["blank.jsonl", "\n\n", /blank\.jsonl holds no document/, "EMPTY_FILE"],
      ["rows.csv", "0,1\n", /give a \.txt file, a directory/, "INVALID_DOCUMENTS"],
    ];
    for (const [name, content, why, code] of bad) {
      const path = await file(name, content);
      await expect(readTextInput(path)).rejects.toThrow(why);
      expect(await rejectionCode(readTextInput(path))).toBe(code);
    }
    mkdirSync(join(dir, "none"));
    expect(await rejectionCode(readTextInput(join(dir, "none")))).toBe("EMPTY_FILE");
  });
});
