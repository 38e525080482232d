import onnxProto from "onnx-proto";
import { VOCAB_SIZE } from "../../protocol/text/tokenizer.ts";
import { MODEL_KIND_KEY } from "./kind.ts";
import { type NgramTables, TOKENS_PER_WORD } from "./ngram.ts";

const { onnx } = onnxProto;
type Node = InstanceType<typeof onnx.NodeProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;
const { INT64, INT32, FLOAT } = onnx.TensorProto.DataType;

/** Graph names the runtime relies on. */
export const CONTEXT = "context";
export const NEXT_TOKENS = "next_tokens";
export const NEXT_PROBS = "next_probs";
export const CONTEXT_LENGTH = "context_length";
/** Left-pads a history shorter than the context: no context holds it, so it never matches. */
export const PAD_CONTEXT = 65_535;

// Above every packed word (< 2^48): the row each key table ends with, so a lookup always
// lands inside the table.
const SENTINEL = 2n ** 62n;
const OPSET = 17;
const IR_VERSION = 8;

/**
 * Writes an n-gram model as an ONNX graph (IR 8, opset 17) that onnxruntime runs as is. Input
 * `context`: the last order - 1 tokens, most recent first (int64, PAD_CONTEXT where the history
 * is shorter). For each context length k, the graph packs the first k into int64 words (3
 * tokens a word, big-endian base 2^16), takes the run of that length's sorted key table whose
 * contexts end in the same token (a bucket table gives its rows), finds the key's row in it as
 * the count of the run's rows below it (a lexicographic compare over the words: ONNX has no
 * search operator, and a run is a small part of the table), checks the row holds the key, and
 * reads its continuations' range; the longest matched length wins, the unigrams when none does.
 * Outputs the range's tokens and probabilities (at most topK, most likely first) and the
 * matched length. Every entry is exact: the same context selects the same tokens on any machine.
 */
export function encodeNgram(t: NgramTables, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const b = new GraphBuilder();
  const axis0 = b.constant("axis0", INT64, [0n]);
  const zero = b.constant("zero", INT64, [0n]);
  const one = b.constant("one", INT64, [1n]);
  // Every token's bucket index; PAD (and anything above the vocabulary) lands on an empty one.
  const vocab = b.constant("vocab", INT64, [BigInt(VOCAB_SIZE)]);
  let start = b.constant("start0", INT64, [0n]);
  let end = b.constant("end0", INT64, [BigInt(t.unigrams)]);
  let length = b.constant("length0", INT64, [0n]);
  for (const level of t.levels) {
    const k = level.contextLength;
    const p = `l${k}`;
    const m = level.offsets.length - 1;
    const range = (data: string, from: string, to: string, name: string) =>
      b.node("Slice", [data, from, to, axis0], name);
    const cast = (x: string, name: string) => b.node("Cast", [x], name, [intAttr("to", Number(INT64))]);
    const gather = (data: string, at: string, name: string) =>
      b.node("Gather", [data, at], name, [intAttr("axis", 0)]);
    const ctx = range(CONTEXT, zero, b.constant(`${p}_k`, INT64, [BigInt(k)]), `${p}_ctx`);
    // The run of rows whose context ends in this token (PAD's run is empty).
    const recent = b.node("Min", [range(ctx, zero, one, `${p}_recent`), vocab], `${p}_bucket`);
    const buckets = b.constant(`${p}_buckets`, INT32, bucketStarts(level.contexts, k, m));
    const lo = cast(gather(buckets, recent, `${p}_lo32`), `${p}_lo`);
    const hi = cast(gather(buckets, b.node("Add", [recent, one], `${p}_bucket1`), `${p}_hi32`), `${p}_hi`);
    const words = packedWords(level.contexts, k);
    const columns = words.map((col, w) => b.constant(`${p}_keys${w}`, INT64, col));
    const keys = words.map((_, w) => {
      const from = w * TOKENS_PER_WORD;
      const to = Math.min(from + TOKENS_PER_WORD, k);
      const part = range(
        ctx,
        b.constant(`${p}_w${w}_from`, INT64, [BigInt(from)]),
        b.constant(`${p}_w${w}_to`, INT64, [BigInt(to)]),
        `${p}_w${w}_tokens`,
      );
      const scale = Array.from({ length: to - from }, (_, j) => 1n << BigInt(16 * (to - from - 1 - j)));
      const scaled = b.node("Mul", [part, b.constant(`${p}_w${w}_scale`, INT64, scale)], `${p}_w${w}_scaled`);
      return b.node("ReduceSum", [scaled, axis0], `${p}_key${w}`, [intAttr("keepdims", 1)]);
    });
    // Rows of the run below the key: lexicographic over the words, the last word decided first.
    const run = columns.map((col, w) => range(col, lo, hi, `${p}_run${w}`));
    let below = "";
    for (let w = words.length - 1; w >= 0; w--) {
      const less = b.node("Less", [run[w]!, keys[w]!], `${p}_lt${w}`);
      if (w === words.length - 1) below = less;
      else {
        const tie = b.node("Equal", [run[w]!, keys[w]!], `${p}_eq${w}`);
        below = b.node("Or", [less, b.node("And", [tie, below], `${p}_tie${w}`)], `${p}_below${w}`);
      }
    }
    const count = b.node("ReduceSum", [cast(below, `${p}_below_n`), axis0], `${p}_count`, [
      intAttr("keepdims", 1),
    ]);
    // In [lo, hi]: a real row, or the next run's first, or the sentinel; the words decide.
    const row = b.node("Add", [lo, count], `${p}_row`);
    let found = "";
    words.forEach((_, w) => {
      const same = b.node("Equal", [gather(columns[w]!, row, `${p}_at${w}`), keys[w]!], `${p}_same${w}`);
      found = w === 0 ? same : b.node("And", [found, same], `${p}_found${w}`);
    });
    const offsets = b.constant(`${p}_offsets`, INT64, [
      ...Array.from(level.offsets, BigInt),
      BigInt(level.offsets[m]!),
    ]);
    const from = gather(offsets, row, `${p}_start`);
    const to = gather(offsets, b.node("Add", [row, one], `${p}_next_row`), `${p}_end`);
    start = b.node("Where", [found, from, start], `${p}_sel_start`);
    end = b.node("Where", [found, to, end], `${p}_sel_end`);
    length = b.node(
      "Where",
      [found, b.constant(`${p}_length`, INT64, [BigInt(k)]), length],
      `${p}_sel_length`,
    );
  }
  const last = b.node(
    "Min",
    [end, b.node("Add", [start, b.constant("top_k", INT64, [BigInt(t.topK)])], "start_k")],
    "last",
  );
  const tokens = b.constant("tokens", INT32, Array.from(t.tokens));
  const probs = b.constant("probs", FLOAT, Array.from(t.probs));
  b.node("Slice", [tokens, start, last, axis0], NEXT_TOKENS);
  b.node("Slice", [probs, start, last, axis0], NEXT_PROBS);
  b.node("Identity", [length], CONTEXT_LENGTH);

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "openledger",
    metadataProps: Object.entries({ ...metadata, [MODEL_KIND_KEY]: "ngram" })
      .sort(([a], [c]) => (a < c ? -1 : 1))
      .map(([key, value]) => ({ key, value })),
    graph: onnx.GraphProto.create({
      name: "ngram",
      node: b.nodes,
      initializer: b.initializers,
      input: [valueInfo(CONTEXT, INT64, [t.order - 1])],
      output: [
        valueInfo(NEXT_TOKENS, INT32, ["n"]),
        valueInfo(NEXT_PROBS, FLOAT, ["n"]),
        valueInfo(CONTEXT_LENGTH, INT64, [1]),
      ],
    }),
  });
  // A Uint8Array of its own: protobufjs hands back a Buffer cut from Node's shared pool.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/**
 * bucket[t] = the first row whose context's most recent token is at least t, for t in
 * [0, VOCAB_SIZE + 1]: the rows of token t are [bucket[t], bucket[t + 1]).
 */
function bucketStarts(contexts: Uint16Array, k: number, m: number): Int32Array {
  const out = new Int32Array(VOCAB_SIZE + 2);
  let row = 0;
  for (let t = 0; t < out.length; t++) {
    while (row < m && contexts[row * k]! < t) row++;
    out[t] = row;
  }
  return out;
}

/** The key columns of a level: one per word, each ending with the sentinel row. */
function packedWords(contexts: Uint16Array, k: number): bigint[][] {
  const m = contexts.length / k;
  const count = Math.ceil(k / TOKENS_PER_WORD);
  return Array.from({ length: count }, (_, w) => {
    const col: bigint[] = [];
    for (let i = 0; i < m; i++) {
      let v = 0;
      for (let j = w * TOKENS_PER_WORD; j < Math.min((w + 1) * TOKENS_PER_WORD, k); j++)
        v = v * 65_536 + contexts[i * k + j]!;
      col.push(BigInt(v));
    }
    col.push(w === 0 ? SENTINEL : 0n);
    return col;
  });
}

class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];

  constant(name: string, type: number, values: ArrayLike<number | bigint>): string {
    this.initializers.push(tensor(name, type, values));
    return name;
  }

  node(
    opType: string,
    input: string[],
    output: string,
    attribute: ReturnType<typeof intAttr>[] = [],
  ): string {
    this.nodes.push(onnx.NodeProto.create({ opType, input, output: [output], name: output, attribute }));
    return output;
  }
}

function intAttr(name: string, i: number) {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });
}

/** A 1-D tensor, little-endian raw data. */
function tensor(name: string, type: number, values: ArrayLike<number | bigint>): Tensor {
  const n = values.length;
  const width = type === INT64 ? 8 : 4;
  const raw = new Uint8Array(n * width);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (type === INT64) view.setBigInt64(i * 8, BigInt(v), true);
    else if (type === INT32) view.setInt32(i * 4, Number(v), true);
    else view.setFloat32(i * 4, Number(v), true);
  }
  return onnx.TensorProto.create({ name, dims: [n], dataType: type, rawData: raw });
}

function valueInfo(name: string, type: number, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: type,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}
