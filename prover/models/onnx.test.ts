import { describe, expect, it } from "vitest";
import { splitBySizes } from "../datasets/dataset.ts";
import { loadMnist } from "../datasets/mnist.ts";
import { forward } from "./mlp.ts";
import { decodeMlp, encodeMlp } from "./onnx.ts";
import { trainModel } from "./pipeline.ts";
import { OnnxModel } from "./runtime.ts";
import { DEFAULT_TRAIN } from "./train.ts";

describe("ONNX model", () => {
  const [train, test] = splitBySizes(loadMnist(), [300, 200], "test/onnx");
  const model = trainModel(train!, { ...DEFAULT_TRAIN, hidden: [32, 16], epochs: 2 }, 1e-3);

  it("onnxruntime's output equals the JS reference forward pass", async () => {
    const session = await OnnxModel.load(model.bytes, 784);
    const out = await session.run(new Float32Array(test!.x), 200);
    await session.release();
    const ref = forward(model.mlp, test!.x, 200);
    expect(out.probs.length).toBe(ref.probs.length);
    expect(out.embedding.length).toBe(ref.embedding.length);
    // float32 kernels against a float64 reference of the same float32 weights.
    for (let i = 0; i < ref.probs.length; i++)
      expect(Math.abs(out.probs[i]! - ref.probs[i]!)).toBeLessThan(1e-5);
    for (let i = 0; i < ref.embedding.length; i++) {
      expect(Math.abs(out.embedding[i]! - ref.embedding[i]!)).toBeLessThan(
        1e-5 * (1 + Math.abs(ref.embedding[i]!)),
      );
    }
  });

  it("round-trips through the ONNX bytes and is reproducible", () => {
    expect(encodeMlp(decodeMlp(model.bytes))).toEqual(model.bytes);
    expect(trainModel(train!, { ...DEFAULT_TRAIN, hidden: [32, 16], epochs: 2 }, 1e-3).bytes).toEqual(
      model.bytes,
    );
  });

  it("learns: well above chance on held-out digits", () => {
    const { probs } = forward(model.mlp, test!.x, 200);
    let correct = 0;
    for (let i = 0; i < 200; i++) {
      const row = Array.from(probs.subarray(i * 10, i * 10 + 10));
      if (row.indexOf(Math.max(...row)) === test!.y[i]) correct++;
    }
    expect(correct / 200).toBeGreaterThan(0.6);
  });
});
