/**
 * A multilayer perceptron classifier: ReLU hidden layers, the last of which is the
 * embedding, then a linear head whose softmax gives class probabilities.
 */
export interface Dense {
  readonly inDim: number;
  readonly outDim: number;
  /** outDim x inDim, row-major (ONNX Gemm with transB = 1). */
  readonly w: Float64Array;
  readonly b: Float64Array;
}

export interface Mlp {
  /** Hidden layers (ReLU), then the head; at least one hidden layer. */
  readonly layers: readonly Dense[];
  /** L2 weight of the head objective the head was fitted with; influence methods need it. */
  readonly headL2: number;
}

export function hiddenLayers(mlp: Mlp): readonly Dense[] {
  return mlp.layers.slice(0, -1);
}

export function head(mlp: Mlp): Dense {
  return mlp.layers[mlp.layers.length - 1]!;
}

export function inputDim(mlp: Mlp): number {
  return mlp.layers[0]!.inDim;
}

export function embeddingDim(mlp: Mlp): number {
  return head(mlp).inDim;
}

export function classCount(mlp: Mlp): number {
  return head(mlp).outDim;
}

/** y = W x + b for each of the n rows of x (n x inDim), optionally through ReLU. */
export function dense(layer: Dense, x: Float64Array, n: number, relu: boolean): Float64Array {
  const { inDim, outDim, w, b } = layer;
  const out = new Float64Array(n * outDim);
  for (let r = 0; r < n; r++) {
    const xo = r * inDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      let z = b[o]!;
      for (let j = 0; j < inDim; j++) z += w[wo + j]! * x[xo + j]!;
      out[r * outDim + o] = relu && z < 0 ? 0 : z;
    }
  }
  return out;
}

/** Row-wise softmax, shifted by the row maximum for stability. */
export function softmax(logits: Float64Array, n: number, classes: number): Float64Array {
  const p = new Float64Array(n * classes);
  for (let r = 0; r < n; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[r * classes + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const e = Math.exp(logits[r * classes + k]! - max);
      p[r * classes + k] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k++) p[r * classes + k] = p[r * classes + k]! / sum;
  }
  return p;
}

/** Embeddings (n x embeddingDim) of the n rows of x, in float64 with a fixed summation order. */
export function embed(mlp: Mlp, x: Float64Array, n: number): Float64Array {
  let h = x;
  for (const layer of hiddenLayers(mlp)) h = dense(layer, h, n, true);
  return h;
}

/** The JS reference forward pass: the ONNX model must agree with it. */
export function forward(
  mlp: Mlp,
  x: Float64Array,
  n: number,
): { embedding: Float64Array; probs: Float64Array } {
  const embedding = embed(mlp, x, n);
  const logits = dense(head(mlp), embedding, n, false);
  return { embedding, probs: softmax(logits, n, classCount(mlp)) };
}
