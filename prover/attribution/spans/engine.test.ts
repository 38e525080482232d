import { describe, expect, it } from "vitest";
import { END_TOKEN } from "../../../protocol/text/tokenizer.ts";
import { inferenceScores } from "../../epochs/scores.ts";
import { METHODS, methodOfId } from "../engine.ts";
import { payableScores } from "../settlement-scores.ts";
import { buildContributionIndex } from "./contribution-index.ts";
import { modelSpanIndex } from "./model-index.ts";
import { SPAN_SCALE, spanAttribution } from "./span-rule.ts";

describe("spanMatch in the engine", () => {
  it("is method id 6, apart from the row methods, and its result gives a settlement's scores", () => {
    expect(methodOfId(6)).toBe("spanMatch");
    expect(METHODS).not.toContain("spanMatch");
    const index = (docs: number[][]) =>
      buildContributionIndex(Uint16Array.from(docs.flatMap((d) => [...d, END_TOKEN])));
    const model = modelSpanIndex([
      { id: 3n, index: index([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) },
      { id: 9n, index: index([[20, 21, 22]]) },
    ]);
    const result = spanAttribution(model, Uint16Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(payableScores(result, [3, 9])).toEqual([9n * SPAN_SCALE, 0n]);
  });

  it("is refused by epochs until text models are read from the store", () => {
    const model = { bytes: new Uint8Array(), rows: undefined as never, training: [] };
    expect(() => inferenceScores("spanMatch", model, new Float64Array())).toThrow(
      expect.objectContaining({ code: "CANNOT_ATTRIBUTE" }),
    );
  });
});
