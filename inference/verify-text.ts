import { decodeTextInput, decodeTextOutput } from "../protocol/provenance/text-inference.ts";
import { OnnxNgram, generateGreedy } from "../prover/models/ngram-runtime.ts";
import { carriedTextConfig } from "../prover/training/text-train.ts";
import type { InferenceRecord } from "../protocol/provenance/inference-record.ts";

export interface GenerationCheck {
  readonly problems: string[];
  readonly output: number[];
  readonly reference: number[];
}

/**
 * The replay of a text model's recorded inference (docs/inference.md "Text models"): the
 * stored prompt re-generated greedily through the model's own onnxruntime session, up to the
 * recorded maxTokens, must give exactly the recorded tokens; the featureCommitment must be 0.
 */
export async function checkGeneration(
  modelBytes: Uint8Array,
  record: InferenceRecord,
  featureCommitment: bigint,
): Promise<GenerationCheck> {
  const config = carriedTextConfig(modelBytes);
  if (!config) return { problems: ["the text model carries no training config"], output: [], reference: [] };
  const { prompt, maxTokens } = decodeTextInput(record.input);
  const output = Array.from(decodeTextOutput(record.output));
  const session = await OnnxNgram.load(modelBytes, config.order);
  let reference: number[];
  try {
    reference = Array.from(await generateGreedy(session, prompt, maxTokens));
  } finally {
    await session.release();
  }
  const problems: string[] = [];
  const at = firstDifference(output, reference);
  if (at >= 0) {
    problems.push(
      `the output differs from the re-generation at token ${at} of ${output.length} (re-generated ${reference.length})`,
    );
  }
  if (featureCommitment !== 0n) problems.push("a text inference's featureCommitment must be 0");
  return { problems, output, reference };
}

function firstDifference(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}
