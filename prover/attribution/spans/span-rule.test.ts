import { describe, expect, it } from "vitest";
import { tokenStream } from "../../../protocol/text/text-root.ts";
import { END_TOKEN, encodeText } from "../../../protocol/text/tokenizer.ts";
import { createRng, type Rng } from "../../datasets/random.ts";
import { loadBrown } from "../../datasets/text-corpora.ts";
import { buildContributionIndex } from "./contribution-index.ts";
import { longestMatch, occurs } from "./longest-match.ts";
import { modelSpanIndex } from "./model-index.ts";
import { SPAN_SCALE, spanAttribution, type SpanAttributionResult } from "./span-rule.ts";

/** A token stream of documents given as token arrays: each followed by END. */
const stream = (documents: readonly (readonly number[])[]) =>
  Uint16Array.from(documents.flatMap((d) => [...d, END_TOKEN]));

/** gramLength: the runs its filter holds (the default minSpan unless given). */
const model = (contributions: readonly (readonly (readonly number[])[])[], gramLength?: number) =>
  modelSpanIndex(
    contributions.map((docs, c) => ({ id: BigInt(c + 1), index: buildContributionIndex(stream(docs)) })),
    gramLength,
  );

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const payable = (r: SpanAttributionResult) => r.contributions.map((c) => c.payable);

/** Random documents over a small alphabet, with passages copied between them so spans recur. */
function randomCorpus(rng: Rng, contributions: number): number[][][] {
  const pool: number[][] = [];
  return Array.from({ length: contributions }, () =>
    Array.from({ length: 1 + rng.int(4) }, () => {
      const doc = Array.from({ length: 10 + rng.int(40) }, () => rng.int(12));
      if (pool.length > 0 && rng.int(2) === 0) {
        const src = pool[rng.int(pool.length)]!;
        const at = rng.int(src.length - 8);
        doc.splice(rng.int(doc.length), 0, ...src.slice(at, at + 8 + rng.int(src.length - at - 8)));
      }
      pool.push(doc);
      return doc;
    }),
  );
}

/** An output made of pieces of the corpus's documents and random tokens. */
function randomOutput(rng: Rng, corpus: number[][][]): Uint16Array {
  const out: number[] = [];
  while (out.length < 80) {
    const docs = corpus[rng.int(corpus.length)]!;
    const doc = docs[rng.int(docs.length)]!;
    const at = rng.int(doc.length);
    out.push(
      ...doc.slice(at, at + 1 + rng.int(20)),
      ...Array.from({ length: rng.int(4) }, () => rng.int(12)),
    );
  }
  return Uint16Array.from(out);
}

describe("longestMatch and occurs", () => {
  it("finds the longest prefix occurring in the stream, as a scan of every offset does", () => {
    const rng = createRng("openledger/spans/longest");
    for (let trial = 0; trial < 60; trial++) {
      const s = stream(randomCorpus(rng, 1)[0]!);
      const index = buildContributionIndex(s);
      const out = Uint16Array.from({ length: 30 }, () => (rng.int(20) === 0 ? END_TOKEN : rng.int(12)));
      for (let q = 0; q < out.length; q++) {
        let naive = 0;
        for (let p = 0; p < s.length; p++) {
          let l = 0;
          while (
            q + l < out.length &&
            p + l < s.length &&
            out[q + l] !== END_TOKEN &&
            s[p + l] === out[q + l]
          )
            l++;
          naive = Math.max(naive, l);
        }
        const m = longestMatch(index, out, q);
        expect(m.length).toBe(naive);
        for (const l of [1, 3, 6]) {
          const pattern = out.subarray(q, q + l);
          if (pattern.length === l && !pattern.includes(END_TOKEN))
            expect(occurs(index, out, q, l)).toBe(naive >= l);
        }
        for (let k = m.lo; k < m.hi; k++) {
          expect(Array.from(s.subarray(index.suffixes[k]!, index.suffixes[k]! + m.length))).toEqual(
            Array.from(out.subarray(q, q + m.length)),
          );
        }
      }
    }
  });
});

describe("spanAttribution (spanMatch)", () => {
  it("credits greedy leftmost-longest spans with witnesses the output and the stream agree on", () => {
    const m = model([[range(1, 21)], [[50, 51, 52, 53, 54, 55, 56, 57, 58]]]);
    const out = Uint16Array.from([900, ...range(3, 15), 901, 50, 51, 52, 53, 54, 55, 56, 57, 902]);
    const r = spanAttribution(m, out, { minSpan: 4 });
    expect(r.spans.map((s) => [s.q, s.length, s.documents])).toEqual([
      [1, 12, 1],
      [14, 8, 1],
    ]);
    expect(r.spans[0]!.witnesses).toEqual([{ contribution: 1n, p: 2, q: 1, length: 12 }]);
    expect(r.spans[1]!.witnesses).toEqual([{ contribution: 2n, p: 0, q: 14, length: 8 }]);
    expect(payable(r)).toEqual([12n * SPAN_SCALE, 8n * SPAN_SCALE]);
  });

  it("gives no witness and no score to a contribution that does not hold the span", () => {
    const m = model([[range(1, 21)], [range(30, 50)], [range(10, 16)]]);
    const r = spanAttribution(m, Uint16Array.from(range(5, 15)), { minSpan: 4 });
    expect(r.spans).toHaveLength(1);
    expect(r.spans[0]!.witnesses.map((w) => w.contribution)).toEqual([1n]);
    expect(payable(r)).toEqual([10n * SPAN_SCALE, 0n, 0n]);
    // Every witness on real text opens to the output's tokens, never END.
    const brown = loadBrown().slice(0, 6);
    const real = modelSpanIndex(
      [0, 3].map((c) => ({
        id: BigInt(c),
        index: buildContributionIndex(tokenStream(brown.slice(c, c + 3).map((d) => d.text))),
      })),
    );
    const rng = createRng("openledger/spans/witness");
    for (let trial = 0; trial < 20; trial++) {
      const docs = encodeText(brown[rng.int(6)]!.text);
      const at = rng.int(docs.length - 40);
      const output = Uint16Array.from([
        ...encodeText(" zebra quantum"),
        ...docs.subarray(at, at + 30),
        ...encodeText(" fjord"),
      ]);
      const result = spanAttribution(real, output);
      expect(result.spans.length).toBeGreaterThan(0);
      for (const span of result.spans) {
        for (const w of span.witnesses) {
          const index = real.contributions.find((c) => c.id === w.contribution)!.index;
          const opened = index.tokens.subarray(w.p, w.p + w.length);
          expect(Array.from(opened)).toEqual(Array.from(output.subarray(w.q, w.q + w.length)));
          expect(opened.includes(END_TOKEN)).toBe(false);
        }
      }
    }
  });

  it("gives the same scores and witnesses for the same output, from indexes built afresh", () => {
    const rng = createRng("openledger/spans/replay");
    const corpus = randomCorpus(rng, 5);
    const out = randomOutput(rng, corpus);
    const a = spanAttribution(model(corpus), out, { minSpan: 6 });
    const b = spanAttribution(model(structuredClone(corpus)), out.slice(), { minSpan: 6 });
    expect(b).toEqual(a);
    expect(a.spans.length).toBeGreaterThan(0);
  });

  it("gives the same result whether or not the gram filter may skip positions", () => {
    const rng = createRng("openledger/spans/filter");
    for (let trial = 0; trial < 20; trial++) {
      const corpus = randomCorpus(rng, 4);
      const minSpan = 3 + rng.int(6);
      const [filtered, unfiltered] = [model(corpus, minSpan), model(corpus, minSpan + 1)];
      for (let o = 0; o < 3; o++) {
        const out = randomOutput(rng, corpus);
        expect(spanAttribution(filtered, out, { minSpan })).toEqual(
          spanAttribution(unfiltered, out, { minSpan }),
        );
      }
    }
  });

  it("never lets a span cross END, in the stream or in the output", () => {
    const m = model([[range(1, 5), range(5, 9)]]);
    expect(
      spanAttribution(m, Uint16Array.from(range(1, 9)), { minSpan: 2 }).spans.map((s) => [s.q, s.length]),
    ).toEqual([
      [0, 4],
      [4, 4],
    ]);
    const cut = Uint16Array.from([1, 2, END_TOKEN, 3, 4]);
    expect(spanAttribution(m, cut, { minSpan: 2 }).spans.map((s) => [s.q, s.length])).toEqual([
      [0, 2],
      [3, 2],
    ]);
    expect(spanAttribution(m, Uint16Array.from(range(1, 9)), { minSpan: 5 }).spans).toEqual([]);
  });

  it("credits no span shorter than minSpan and moves on by one token when it finds none", () => {
    const m = model([[range(1, 8)], [range(20, 40)]]);
    const out = Uint16Array.from([...range(1, 8), 99, ...range(22, 30)]);
    expect(spanAttribution(m, out, { minSpan: 8 }).spans.map((s) => [s.q, s.length])).toEqual([[8, 8]]);
    expect(spanAttribution(m, out, { minSpan: 7 }).spans.map((s) => [s.q, s.length])).toEqual([
      [0, 7],
      [8, 8],
    ]);
    const rng = createRng("openledger/spans/min");
    const corpus = randomCorpus(rng, 4);
    for (const minSpan of [1, 3, 9]) {
      for (const s of spanAttribution(model(corpus), randomOutput(rng, corpus), { minSpan }).spans) {
        expect(s.length).toBeGreaterThanOrEqual(minSpan);
      }
    }
    expect(() => spanAttribution(m, out, { minSpan: 0 })).toThrow(/minSpan/);
  });

  it("splits a span among the documents holding it, and a k-way split of a contribution gains nothing", () => {
    const shared = range(100, 110);
    // Contribution 1 holds the span in two documents, contribution 2 in one: 2/3 and 1/3.
    const m = model([
      [
        [1, ...shared],
        [2, ...shared, 3],
      ],
      [[...shared, 4]],
    ]);
    const r = spanAttribution(m, Uint16Array.from(shared), { minSpan: 4 });
    const share = (10n * SPAN_SCALE) / 3n;
    expect(payable(r)).toEqual([2n * share, share]);

    const rng = createRng("openledger/spans/split");
    for (let trial = 0; trial < 40; trial++) {
      const corpus = randomCorpus(rng, 4);
      const outputs = Array.from({ length: 3 }, () => randomOutput(rng, corpus));
      const victim = rng.int(corpus.length);
      const k = 2 + rng.int(3);
      // The victim's documents dealt at random to k identities, which register in its place.
      const parts: number[][][] = Array.from({ length: k }, () => []);
      for (const doc of corpus[victim]!) parts[rng.int(k)]!.push(doc);
      const nonEmpty = parts.filter((p) => p.length > 0);
      const split = [...corpus.slice(0, victim), ...nonEmpty, ...corpus.slice(victim + 1)];
      const [whole, parted] = [model(corpus), model(split)];
      for (const out of outputs) {
        const before = payable(spanAttribution(whole, out, { minSpan: 5 }));
        const after = payable(spanAttribution(parted, out, { minSpan: 5 }));
        const sum = after.slice(victim, victim + nonEmpty.length).reduce((a, b) => a + b, 0n);
        expect(sum).toBe(before[victim]);
        expect([...after.slice(0, victim), ...after.slice(victim + nonEmpty.length)]).toEqual([
          ...before.slice(0, victim),
          ...before.slice(victim + 1),
        ]);
      }
    }
  });

  it("gives a duplicated document nothing beyond its original, and the original loses nothing", () => {
    const original = [7, ...range(100, 112), 8];
    const other = range(200, 220);
    const out = Uint16Array.from([...range(101, 111), 5, ...range(203, 215)]);
    const alone = spanAttribution(model([[original], [other]]), out, { minSpan: 4 });
    // A later contribution copies the document (and adds one of its own).
    const copied = spanAttribution(model([[original], [other], [range(300, 310), original]]), out, {
      minSpan: 4,
    });
    expect(payable(copied)).toEqual([...payable(alone), 0n]);
    expect(copied.contributions[2]!.duplicates).toBe(1);
    expect(copied.spans[0]!.witnesses.map((w) => w.contribution)).toEqual([1n]);
    // A copy inside the same contribution does not double its share either.
    const twice = spanAttribution(model([[original, original], [other]]), out, { minSpan: 4 });
    expect(payable(twice)).toEqual(payable(alone));
  });
});
