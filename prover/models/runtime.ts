import * as ort from "onnxruntime-node";
import { EMBEDDING, INPUT, PROBS } from "./onnx.ts";

export interface RuntimeOptions {
  /** Use the CUDA execution provider (only where onnxruntime's CUDA build is installed). */
  readonly cuda?: boolean;
  /** Intra-op threads; 1 is fastest on a 2-core machine shared with other work. */
  readonly threads?: number;
}

export interface ModelOutputs {
  readonly embedding: Float32Array;
  readonly probs: Float32Array;
}

/** An onnxruntime session over model bytes written by `encodeMlp`. */
export class OnnxModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputDim: number,
  ) {}

  static async load(bytes: Uint8Array, inputDim: number, options: RuntimeOptions = {}): Promise<OnnxModel> {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      executionProviders: options.cuda ? ["cuda", "cpu"] : ["cpu"],
      graphOptimizationLevel: "all",
    });
    return new OnnxModel(session, inputDim);
  }

  /** Runs n rows (n x inputDim, row-major). */
  async run(x: Float32Array, n: number): Promise<ModelOutputs> {
    const out = await this.session.run({ [INPUT]: new ort.Tensor("float32", x, [n, this.inputDim]) });
    return { embedding: out[EMBEDDING]!.data as Float32Array, probs: out[PROBS]!.data as Float32Array };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** CUDA is opt-in through the environment, so a CPU-only machine never tries to load it. */
export function runtimeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  return { cuda: env.OPENLEDGER_ONNX_CUDA === "1", threads: Number(env.OPENLEDGER_ONNX_THREADS ?? 1) };
}
