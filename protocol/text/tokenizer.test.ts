import { describe, expect, it } from "vitest";
import { END_TOKEN, TOKENIZER_HASH, VOCAB_SIZE, decodeTokens, encodeText } from "./tokenizer.ts";

describe("tokenizer", () => {
  it("encodes GPT-2 BPE ids (vectors shared with docs/protocol.md §12)", () => {
    expect(Array.from(encodeText("The Fulton County Grand Jury said Friday"))).toEqual([
      464, 44373, 3418, 5675, 48705, 531, 3217,
    ]);
  });

  it("round-trips text and normalises to NFC", () => {
    const text = "Fellow-Citizens of the Senate: 3,000,000 florins — café";
    expect(decodeTokens(encodeText(text))).toBe(text);
    expect(encodeText("cafe\u0301")).toEqual(encodeText("caf\u00e9"));
  });

  it("never emits the end token from text, even when the text spells it", () => {
    expect(Array.from(encodeText("<|endoftext|>"))).not.toContain(END_TOKEN);
  });

  it("pins the vocabulary by hash", () => {
    expect(TOKENIZER_HASH).toBe(0x168da34489164d55bc9e707c1a91ad6246bc0f00061189b856df360e4aaf7bf8n);
  });

  it("refuses ids outside the vocabulary", () => {
    expect(() => decodeTokens([VOCAB_SIZE])).toThrow(/outside the vocabulary/);
  });
});
