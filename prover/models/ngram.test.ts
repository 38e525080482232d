import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { modelHash } from "../../protocol/provenance/model-hash.ts";
import { tokenStream } from "../../protocol/text/text-root.ts";
import { END_TOKEN, TOKENIZER_HASH } from "../../protocol/text/tokenizer.ts";
import { codeOf } from "../../protocol/testing.ts";
import { loadBrown } from "../datasets/text-corpora.ts";
import {
  textConfigHash,
  type TextTrainingConfig,
  decodeTextConfig,
  encodeTextConfig,
} from "../training/text-config.ts";
import { carriedTextConfig, trainTextArtifact } from "../training/text-train.ts";
import { modelKind } from "./kind.ts";
import { type NgramTables, referenceNext, trainNgram } from "./ngram.ts";
import { encodeNgram } from "./ngram-onnx.ts";
import { generateGreedy, OnnxNgram } from "./ngram-runtime.ts";

// Brown genre R (humor): 9 documents, about 25k tokens, trained in well under a second.
const DOCS = loadBrown().filter((d) => d.group === "r");
const STREAMS = DOCS.map((d) => tokenStream([d.text]));
const CONFIG: TextTrainingConfig = { trainerVersion: 1, order: 6, topK: 8, tokenizerHash: TOKENIZER_HASH };

describe("n-gram language model", () => {
  let tables: NgramTables;
  let model: OnnxNgram;

  beforeAll(async () => {
    tables = trainNgram(STREAMS, CONFIG);
    model = await OnnxNgram.load(encodeNgram(tables), CONFIG.order);
  });
  afterAll(() => model?.release());

  it("counts exactly: continuations by count then token id, probabilities count / context count", () => {
    const tiny = trainNgram([Uint16Array.of(5, 7, 5, 9, 5, 7, 5)], { order: 3, topK: 8 });
    expect(referenceNext(tiny, [])).toEqual({
      tokens: [5, 7, 9],
      probs: [4 / 7, 2 / 7, 1 / 7].map(Math.fround),
      contextLength: 0,
    });
    // After 5: 7 twice, 9 once. After (5, 7): 5 twice.
    expect(referenceNext(tiny, [5])).toEqual({
      tokens: [7, 9],
      probs: [Math.fround(2 / 3), Math.fround(1 / 3)],
      contextLength: 1,
    });
    expect(referenceNext(tiny, [9, 5, 7])).toEqual({ tokens: [5], probs: [1], contextLength: 2 });
    // An unseen context backs off to the longest seen suffix, then to the unigrams.
    expect(referenceNext(tiny, [8, 8, 5]).contextLength).toBe(1);
    expect(referenceNext(tiny, [8]).contextLength).toBe(0);
    expect(trainNgram(STREAMS, CONFIG)).toEqual(tables);
  });

  it("the ONNX graph's next tokens equal the trainer's reference, for seen, partly seen and unseen contexts", async () => {
    // Empty, END alone, an unseen last token (an empty run of rows), a seen one after an unseen one.
    const histories: Array<ArrayLike<number>> = [
      [],
      [END_TOKEN],
      [3, 50_001],
      [50_000, 1],
      [3, 3, 3, 3, 3, 3, 3],
    ];
    for (const s of STREAMS)
      for (let i = 1; i < s.length; i += 997) histories.push(s.subarray(Math.max(0, i - 9), i));
    // A seen context with an unseen token in front: the graph must back off exactly as the reference.
    histories.push([49_999, ...STREAMS[0]!.subarray(40, 44)]);
    for (const h of histories) expect(await model.next(h)).toEqual(referenceNext(tables, h));
    expect(histories.length).toBeGreaterThan(25);
  });

  it("generates a memorized training passage back verbatim at temperature 0, the same every time", async () => {
    const s = STREAMS[0]!;
    const prompt = s.subarray(50, 58);
    const passage = Array.from(s.subarray(58, 82));
    const out = await generateGreedy(model, prompt, 24);
    expect(Array.from(out)).toEqual(passage);
    expect(Array.from(await generateGreedy(model, prompt, 24))).toEqual(passage);
    // The greedy choice at each step is the reference's top continuation.
    const history = Array.from(prompt);
    for (const t of out) {
      expect(referenceNext(tables, history).tokens[0]).toBe(t);
      history.push(t);
    }
  });

  it("stops at END, which is not part of the output", async () => {
    const doc = STREAMS[0]!;
    // The document's last tokens, then END: generation from them ends at once.
    const out = await generateGreedy(model, doc.subarray(doc.length - 9, doc.length - 1), 10);
    expect(out.length).toBe(0);
  });

  it("registers like any model: modelHash over the ONNX bytes, the config (with its tokenizer) in the bytes", () => {
    const parts = DOCS.slice(0, 3).map((d, i) => ({ id: i + 1, documents: [d.text] }));
    const a = trainTextArtifact(parts, CONFIG, TEST_PARAMS);
    expect(a.modelHash).toBe(modelHash(a.bytes));
    expect(modelKind(a.bytes)).toBe("ngram");
    expect(carriedTextConfig(a.bytes)).toEqual(CONFIG);
    expect(a.trainingConfigHash).toBe(textConfigHash(CONFIG));
    expect(a.contributions).toEqual(parts.map((p) => p.id));
    expect(a.tokens).toBe(STREAMS.slice(0, 3).reduce((n, s) => n + s.length, 0));
    // Deterministic: the same documents and config give the same bytes.
    expect(trainTextArtifact(parts, CONFIG, TEST_PARAMS).bytes).toEqual(a.bytes);
    expect(decodeTextConfig(encodeTextConfig(CONFIG))).toEqual(CONFIG);
    expect(codeOf(() => trainTextArtifact(parts, { ...CONFIG, tokenizerHash: 1n }, TEST_PARAMS))).toBe(
      "INVALID_TRAINING",
    );
    expect(codeOf(() => trainTextArtifact(parts, { ...CONFIG, order: 7 }, TEST_PARAMS))).toBe(
      "INVALID_TRAINING",
    );
    expect(codeOf(() => trainTextArtifact([parts[1]!, parts[0]!], CONFIG, TEST_PARAMS))).toBe(
      "INVALID_TRAINING",
    );
  });
});
