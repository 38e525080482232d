/**
 * The span circuit (`text_span_proof_2_4x16`: two pieces, ROWS_TREE chunk trees) against its
 * TypeScript twin (protocol/text/span-check.ts) on the shared vectors of
 * protocol/vectors/twins.json: what the twin credits the circuit outputs, and each lie the twin
 * refuses the circuit refuses at the check that targets it (`firstFailure`).
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { type CircuitInput, circuitOutputs, firstFailure } from "../../tools/witness.ts";
import { refusalAt } from "../batch/fixtures.ts";
import { OpenLedgerError } from "../../../protocol/errors.ts";
import { spanProofCredit } from "../../../protocol/text/span-check.ts";
import { ChunkedStream, spanPieceInput, spanProofInput } from "../../../protocol/text/span-witness.ts";
import { END_TOKEN } from "../../../protocol/text/tokenizer.ts";

interface SpanVector {
  name: string;
  input: CircuitInput;
}
const { spans } = JSON.parse(
  readFileSync(new URL("../../../protocol/vectors/twins.json", import.meta.url), "utf8"),
) as {
  spans: { accepted: (SpanVector & { credited: number })[]; refused: (SpanVector & { check: string })[] };
};

const at = {
  equality: refusalAt("SpanPiece", "text/span_piece.circom", "len.mask[i] * (contentSide.window[i]"),
  boundary: refusalAt("SpanPiece", "text/span_piece.circom", "zero.out === 0;"),
  opening: refusalAt("LeafOpening", "rewards/leaf_opening.circom", "active * (computed.root - root) === 0;"),
  length: refusalAt("SpanLength", "text/span_length.circom", "inRange === 1;"),
  offset: refusalAt("ChunkPairWindow", "text/chunk_pair_window.circom", "offsetBits.in <== offset;"),
  overlap: refusalAt("SpanProof", "text/span_proof.circom", "gap[n - 1].in <== gapValue[n - 1];"),
  prefix: refusalAt(
    "SpanProof",
    "text/span_proof.circom",
    "piece[n].active * (1 - piece[n - 1].active) === 0;",
  ),
};

/** Where the circuit refuses each lie of the vectors, by its name's start. */
const WHERE: [string, RegExp][] = [
  ["a token differs", at.equality],
  ["a wrong offset", at.equality],
  ["a span crossing END", at.boundary],
  ["padding matched with padding", at.boundary],
  ["a chunk of another contribution", at.opening],
  ["tokens the output holds but the contribution does not", at.equality],
  ["a length of 17", at.length],
  ["an offset of 16", at.offset],
  ["the same piece in both slots", at.overlap],
  ["a used piece after an unused one", at.prefix],
];

let circuit: CompiledCircuit;
beforeAll(async () => {
  circuit = await compileCircuit("text_span_proof_2_4x16", { log: () => {} });
}, 900_000);

describe("text_span_proof_2_4x16: the twin of protocol/text/span-check.ts", () => {
  it.each(spans.accepted)("credits what the twin credits: $name", async ({ input, credited }) => {
    expect(await circuitOutputs(circuit, input, 1)).toEqual([BigInt(credited)]);
  });

  it("has a refusal site for every lie of the vectors, and each site is the lie's check", () => {
    expect(spans.refused.map((v) => WHERE.find(([start]) => v.name.startsWith(start))?.[0])).toEqual(
      WHERE.map(([start]) => start),
    );
  });

  it.each(spans.refused)("refuses $name ($check)", async ({ name, input }) => {
    const where = WHERE.find(([start]) => name.startsWith(start))![1];
    expect(await firstFailure(circuit, input)).toMatch(where);
  });
});

describe("text_span_proof_2_4x16 and its twin agree on claims they did not choose", () => {
  it("has a witness exactly when the twin credits, crediting the same, over random claims on a small alphabet", async () => {
    // Tokens from {1, 2, END}: many claims hold, many fail at a token, END or the padding.
    let seed = 20261208;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const draw = (n: number) => Array.from({ length: n }, () => [1, 2, 1, 2, END_TOKEN][next(5)]!);
    const content = new ChunkedStream(draw(45));
    const output = new ChunkedStream(draw(38));
    const roots = { contentRoot: content.root, outputRoot: output.root };
    const outcomes = { credited: 0, refused: 0 };
    for (let n = 0; n < 24; n++) {
      const claim = { p: next(44), q: next(37), length: 1 + next(16) };
      const input = spanProofInput(roots, [spanPieceInput(content, output, claim)], 2);
      let twin: bigint | undefined;
      try {
        twin = BigInt(spanProofCredit(input));
      } catch (e) {
        if (!(e instanceof OpenLedgerError)) throw e;
      }
      const circuitCredit = await circuitOutputs(circuit, input as unknown as CircuitInput, 1).then(
        ([credited]) => credited,
        () => undefined,
      );
      expect([claim, circuitCredit]).toEqual([claim, twin]);
      outcomes[twin === undefined ? "refused" : "credited"]++;
    }
    console.log(`random claims: ${outcomes.credited} credited, ${outcomes.refused} refused`);
    expect(Math.min(outcomes.credited, outcomes.refused)).toBeGreaterThan(2);
  }, 120_000);
});
