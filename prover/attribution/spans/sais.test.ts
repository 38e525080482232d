import { describe, expect, it } from "vitest";
import { tokenStream } from "../../../protocol/text/text-root.ts";
import { createRng } from "../../datasets/random.ts";
import { loadBrown } from "../../datasets/text-corpora.ts";
import { suffixArray } from "./sais.ts";

/** The definition: suffix start positions ordered by comparing the suffixes token by token. */
function naiveSuffixArray(t: Uint16Array): Uint32Array {
  const order = Array.from({ length: t.length }, (_, i) => i);
  order.sort((a, b) => {
    for (; a < t.length && b < t.length; a++, b++) if (t[a] !== t[b]) return t[a]! - t[b]!;
    // The shorter suffix (the one that ran out) comes first.
    return b - a;
  });
  return Uint32Array.from(order);
}

describe("suffixArray (SA-IS)", () => {
  it("equals the naive construction on random streams of every alphabet size", () => {
    const rng = createRng("openledger/spans/sais");
    for (let trial = 0; trial < 300; trial++) {
      const n = rng.int(200);
      const alphabet = [1, 2, 3, 5, 50, 65_535][trial % 6]!;
      const t = Uint16Array.from({ length: n }, () => rng.int(alphabet));
      expect(suffixArray(t), `trial ${trial}, n ${n}, alphabet ${alphabet}`).toEqual(naiveSuffixArray(t));
    }
  });

  it("equals the naive construction on periodic streams (deep recursion)", () => {
    for (const unit of [[7], [1, 2], [3, 1, 3], [5, 5, 4]]) {
      const t = Uint16Array.from({ length: 301 }, (_, i) => unit[i % unit.length]!);
      expect(suffixArray(t)).toEqual(naiveSuffixArray(t));
    }
    expect(suffixArray(new Uint16Array(0))).toEqual(new Uint32Array(0));
  });

  it("equals the naive construction on real text (three Brown documents)", () => {
    const t = tokenStream(
      loadBrown()
        .slice(0, 3)
        .map((d) => d.text),
    );
    expect(t.length).toBeGreaterThan(6_000);
    expect(suffixArray(t)).toEqual(naiveSuffixArray(t));
  });
});
