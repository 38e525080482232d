import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldToHex } from "../protocol/field.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { TEST_PARAMS } from "../protocol/params.ts";
import { textRoot, tokenStream } from "../protocol/text/text-root.ts";
import { decodeTokens, encodeText, TOKENIZER_HASH } from "../protocol/text/tokenizer.ts";
import { rejectionCode } from "../protocol/testing.ts";
import { loadBrown } from "../prover/datasets/text-corpora.ts";
import { OnnxNgram } from "../prover/models/ngram-runtime.ts";
import { trainNgram } from "../prover/models/ngram.ts";
import { encodeNgram } from "../prover/models/ngram-onnx.ts";
import { encodeTextConfig, TEXT_CONFIG_METADATA_KEY } from "../prover/training/text-config.ts";
import { DEFAULT_TEXT_CONFIG, trainTextArtifact } from "../prover/training/text-train.ts";
import { promptHash } from "../sdk/text.ts";
import type { InferenceClient } from "./client.ts";
import type { RunningInferenceNode } from "./service.ts";
import { FEE, registerModel, registerTextModel, type Rig, startRig } from "./testing.ts";
import { verifyInference } from "./verify.ts";

// Brown genre R (humor), 9 documents: trained when the model registers, in well under a second.
const DOCS = loadBrown()
  .filter((d) => d.group === "r")
  .map((d) => d.text);
const STREAM = tokenStream(DOCS);
// A passage of the first document: its first 8 tokens prompt, the next 24 are memorized.
const PROMPT = decodeTokens(STREAM.subarray(50, 58));
const PASSAGE = Array.from(STREAM.subarray(58, 82));

/** Text models through `serve`: a real sequencer, store, L1 and onnxruntime (docs/inference.md "Text models"). */
describe("text generation in serve", () => {
  let rig: Rig;
  let node: RunningInferenceNode;
  let alice: InferenceClient;
  let model: number;
  const inferences = async () =>
    (await rig.provider.call<{ counters: { inferences: number } }>("ol_getStateRoot")).counters.inferences;
  const account = async (id: number) => {
    const a = await rig.provider.getAccount(id);
    return { balance: a!.balance, nonce: a!.nonce };
  };

  beforeAll(async () => {
    rig = await startRig({ params: TEST_PARAMS, users: 2 });
    model = await registerTextModel(rig, DOCS);
    node = await rig.serve();
    alice = rig.client(node, rig.users[0]!);
  }, 300_000);

  afterAll(async () => {
    await node?.stop();
    await rig?.stop();
  });

  it("generates a memorized passage for a paid inference whose hashes are textRoots, and a replay re-generates it", async () => {
    expect(Array.from(encodeText(PROMPT))).toEqual(Array.from(STREAM.subarray(50, 58)));
    expect(await alice.model(model)).toMatchObject({ model, kind: "ngram", order: 6, fee: FEE.toString() });
    // Registered like any model: the documents and the default config retrain its bytes.
    const record = (await rig.provider.getModel(model))!;
    const again = trainTextArtifact(
      [{ id: record.contributions![0]!, documents: DOCS }],
      { ...DEFAULT_TEXT_CONFIG, tokenizerHash: TOKENIZER_HASH },
      TEST_PARAMS,
    );
    expect(record.contributions).toEqual(again.contributions);
    expect(BigInt(record.modelHash)).toBe(again.modelHash);
    expect(BigInt(record.trainingConfigHash!)).toBe(again.trainingConfigHash);
    expect(BigInt(record.trainingDescriptor)).toBe(again.trainingDescriptor);
    expect(BigInt(record.checkpointCommitment)).toBe(0n);
    const before = await account(2);
    const { quote, paid } = await alice.generate(model, PROMPT, { maxTokens: 24 });
    expect(paid.status).toBe("executed");
    expect(paid.output).toEqual({ tokens: PASSAGE, text: decodeTokens(PASSAGE) });
    expect(quote.inputHash).toBe(fieldToHex(promptHash(PROMPT)));
    expect(quote.outputHash).toBe(fieldToHex(textRoot(PASSAGE)));
    const after = await account(2);
    expect(BigInt(after.balance)).toBe(BigInt(before.balance) - FEE);
    expect(after.nonce).toBe(before.nonce + 1);

    const id = await inferences();
    expect(await rig.provider.getInference(id)).toMatchObject({
      model,
      inputHash: quote.inputHash,
      outputHash: quote.outputHash,
      featureCommitment: fieldToHex(0n),
    });
    const verdict = await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, id);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.evidence.output).toEqual(PASSAGE);
    expect(verdict.evidence.txHash).toBe(paid.txHash);
  });

  it("gives the same output and outputHash for the same prompt", async () => {
    const first = await alice.generate(model, PROMPT, { maxTokens: 12 });
    const second = await rig.client(node, rig.users[1]!).generate(model, PROMPT, { maxTokens: 12 });
    expect(second.paid.output).toEqual(first.paid.output);
    expect(second.quote.outputHash).toBe(first.quote.outputHash);
    expect(second.quote.inputHash).toBe(first.quote.inputHash);
    expect((first.paid.output as { tokens: number[] }).tokens).toEqual(PASSAGE.slice(0, 12));
    const id = await inferences();
    expect((await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, id)).ok).toBe(true);
  });

  it("refuses bad requests without charging", async () => {
    const before = await account(2);
    const code = (p: Promise<unknown>) => rejectionCode(p);
    expect(await code(alice.quoteText(model, "", { maxTokens: 4 }))).toBe("BAD_PROMPT");
    expect(await code(alice.quoteText(model, " the".repeat(1025), { maxTokens: 4 }))).toBe("BAD_PROMPT");
    expect(await code(alice.quoteText(model, PROMPT, { maxTokens: 0 }))).toBe("BAD_MAX_TOKENS");
    expect(await code(alice.quoteText(model, PROMPT, { maxTokens: 257 }))).toBe("BAD_MAX_TOKENS");
    expect(await code(alice.quoteText(model, PROMPT, { maxTokens: 4, temperature: 0.7 }))).toBe(
      "TEMPERATURE_UNSUPPORTED",
    );
    expect(await code(alice.quote(model, [1, 2, 3, 4]))).toBe("WRONG_MODEL_KIND");
    expect(await code(alice.quoteText(rig.model, PROMPT, { maxTokens: 4 }))).toBe("WRONG_MODEL_KIND");
    expect(await code(alice.quoteText(99, PROMPT, { maxTokens: 4 }))).toBe("UNKNOWN_MODEL");
    // A text model whose config names another tokenizer: its ids would decode to other text.
    const config = { ...DEFAULT_TEXT_CONFIG, tokenizerHash: TOKENIZER_HASH + 1n };
    const foreign = encodeNgram(trainNgram([STREAM.subarray(0, 500)], config), {
      [TEXT_CONFIG_METADATA_KEY]: Buffer.from(encodeTextConfig(config)).toString("hex"),
    });
    const other = await registerModel(rig.owner, rig.ownerStore, foreign, foreign);
    expect(await code(alice.quoteText(other, PROMPT, { maxTokens: 4 }))).toBe("WRONG_TOKENIZER");
    // A payment whose inputHash is not textRoot of the prompt's tokens.
    const q = await alice.quoteText(model, PROMPT, { maxTokens: 4 });
    expect(await code(alice.pay({ ...q, inputHash: fieldToHex(promptHash(`${PROMPT}!`)) }))).toBe(
      "TX_MISMATCH",
    );
    expect(await account(2)).toEqual(before);
  });

  it("verify re-generates and catches an operator's tampered output", async () => {
    // An operator whose runtime hands out another token than the model's best: it hashes and
    // attests what it returns, so the user's checks pass, but a replay does not.
    const dishonest = await rig.serve({
      loadText: async (bytes, order) => {
        const inner = await OnnxNgram.load(bytes, order);
        return {
          release: () => inner.release(),
          next: async (history) => {
            const r = await inner.next(history);
            return { ...r, tokens: [(r.tokens[0]! + 1) % 50_000, ...r.tokens.slice(1)] };
          },
        };
      },
    });
    try {
      const { paid } = await rig.client(dishonest, rig.users[1]!).generate(model, PROMPT, { maxTokens: 8 });
      expect(paid.status).toBe("executed");
      expect((paid.output as { tokens: number[] }).tokens).not.toEqual(PASSAGE.slice(0, 8));
    } finally {
      await dishonest.stop();
    }
    const verdict = await verifyInference(rig.provider, rig.verifier, DEV_DOMAIN, await inferences());
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.join("\n")).toMatch(/differs from the re-generation at token \d+/);
  });
});
