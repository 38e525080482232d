import { encodeText } from "../protocol/text/tokenizer.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";

/** Longest prompt a node takes, in tokens: the record stores it whole. */
export const MAX_PROMPT_TOKENS = 1024;
/** Most tokens one paid generation returns: each is a model run before the quote answers. */
export const MAX_GENERATED_TOKENS = 256;

/** A text model's request (docs/inference.md "Text models"). */
export interface TextRequest {
  readonly prompt: string;
  readonly maxTokens: number;
  /** 0: greedy. Sampling is not served: its seed would have to be committed for a replay. */
  readonly temperature: number;
}

/** The prompt's tokens, if the request is one a node serves; otherwise the code that says why. */
export function promptTokens(r: TextRequest): Uint16Array {
  if (!Number.isInteger(r.maxTokens) || r.maxTokens < 1 || r.maxTokens > MAX_GENERATED_TOKENS) {
    throw new InferenceError(
      InferenceErrorCode.BadMaxTokens,
      `max_tokens must be an integer in [1, ${MAX_GENERATED_TOKENS}], got ${r.maxTokens}`,
    );
  }
  if (r.temperature !== 0) {
    throw new InferenceError(
      InferenceErrorCode.TemperatureUnsupported,
      `temperature ${r.temperature}: only 0 (greedy, replayable) is served`,
    );
  }
  const tokens = encodeText(r.prompt);
  if (tokens.length === 0 || tokens.length > MAX_PROMPT_TOKENS) {
    throw new InferenceError(
      InferenceErrorCode.BadPrompt,
      `the prompt is ${tokens.length} tokens: it must have 1 to ${MAX_PROMPT_TOKENS}`,
    );
  }
  return tokens;
}
