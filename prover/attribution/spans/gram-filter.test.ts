import { describe, expect, it } from "vitest";
import { tokenStream } from "../../../protocol/text/text-root.ts";
import { END_TOKEN } from "../../../protocol/text/tokenizer.ts";
import { createRng } from "../../datasets/random.ts";
import { loadBrown } from "../../datasets/text-corpora.ts";
import { GramFilter } from "./gram-filter.ts";

describe("GramFilter", () => {
  const streams = [0, 1, 2].map((g) =>
    tokenStream(
      loadBrown()
        .slice(g * 4, g * 4 + 4)
        .map((d) => d.text),
    ),
  );
  const filter = GramFilter.build(streams, 8);

  it("holds every END-free run of the streams (no false negatives)", () => {
    for (const s of streams) {
      for (let q = 0; q + 8 <= s.length; q++) {
        if (!s.subarray(q, q + 8).includes(END_TOKEN)) expect(filter.mayHold(s, q)).toBe(true);
      }
    }
  });

  it("refuses most runs that are not there", () => {
    const rng = createRng("openledger/spans/gram-filter");
    const random = Uint16Array.from({ length: 10_008 }, () => rng.int(50_000));
    let held = 0;
    for (let q = 0; q < 10_000; q++) if (filter.mayHold(random, q)) held++;
    expect(held / 10_000).toBeLessThan(0.06);
  });
});
