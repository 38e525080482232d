import * as ort from "onnxruntime-node";
import { END_TOKEN } from "../../protocol/text/tokenizer.ts";
import type { NextTokens } from "./ngram.ts";
import { CONTEXT, CONTEXT_LENGTH, NEXT_PROBS, NEXT_TOKENS, PAD_CONTEXT } from "./ngram-onnx.ts";

/** Something that answers the next tokens of a history: the ONNX session, or a test's wrapper of it. */
export interface NextTokenModel {
  next(history: ArrayLike<number>): Promise<NextTokens>;
  release(): Promise<void>;
}

/** An onnxruntime session over bytes written by `encodeNgram`. */
export class OnnxNgram implements NextTokenModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** order - 1: the tokens of history the graph reads. */
    readonly contextLength: number,
  ) {}

  /** `order`: the n of the model the bytes hold (its training config says it). */
  static async load(bytes: Uint8Array, order: number): Promise<OnnxNgram> {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
    });
    return new OnnxNgram(session, order - 1);
  }

  async next(history: ArrayLike<number>): Promise<NextTokens> {
    // Most recent token first, PAD where the history is shorter than the context.
    const ctx = new BigInt64Array(this.contextLength).fill(BigInt(PAD_CONTEXT));
    for (let j = 0; j < Math.min(this.contextLength, history.length); j++)
      ctx[j] = BigInt(history[history.length - 1 - j]!);
    const out = await this.session.run({ [CONTEXT]: new ort.Tensor("int64", ctx, [this.contextLength]) });
    return {
      tokens: Array.from(out[NEXT_TOKENS]!.data as Int32Array),
      probs: Array.from(out[NEXT_PROBS]!.data as Float32Array),
      contextLength: Number((out[CONTEXT_LENGTH]!.data as BigInt64Array)[0]),
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Greedy generation (temperature 0): each step appends the model's most likely next token
 * to the history, until END (not part of the output) or `maxTokens` tokens. Deterministic:
 * a replay with the same model, prompt and maxTokens gives the same tokens.
 */
export async function generateGreedy(
  model: NextTokenModel,
  prompt: ArrayLike<number>,
  maxTokens: number,
): Promise<Uint16Array> {
  const history = Array.from(prompt);
  const out: number[] = [];
  while (out.length < maxTokens) {
    const { tokens } = await model.next(history);
    const best = tokens[0];
    if (best === undefined || best === END_TOKEN) break;
    out.push(best);
    history.push(best);
  }
  return Uint16Array.from(out);
}
