import onnxProto from "onnx-proto";
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
 * `context`: the last order - 1 tokens (int64, left-padded with PAD_CONTEXT). For each context
 * length k, the graph packs the context's last k tokens into int64 words (3 tokens a word,
 * big-endian base 2^16), finds its row in that length's sorted key table (the count of rows
 * below it, a lexicographic compare over the words: no search operator exists in ONNX, and a
 * scan of a few hundred thousand keys costs well under a millisecond), checks the row holds
 * it, and reads its continuations' range; the longest matched length wins, the unigrams when
 * none does. Outputs the range's tokens and probabilities (at most topK, most likely first)
 * and the matched length. Every entry is exact: the same context always selects the same
 * tokens, on any machine.
 */
export function encodeNgram(t: NgramTables, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const b = new GraphBuilder();
  const L = t.order - 1;
  const axis0 = b.constant("axis0", INT64, [0n]);
  const one = b.constant("one", INT64, [1n]);
  let start = b.constant("start0", INT64, [0n]);
  let end = b.constant("end0", INT64, [BigInt(t.unigrams)]);
  let length = b.constant("length0", INT64, [0n]);
  for (const level of t.levels) {
    const k = level.contextLength;
    const p = `l${k}`;
    const ctx = b.node(
      "Slice",
      [
        CONTEXT,
        b.constant(`${p}_from`, INT64, [BigInt(L - k)]),
        b.constant(`${p}_to`, INT64, [BigInt(L)]),
        axis0,
      ],
      `${p}_ctx`,
    );
    const words = packedWords(level.contexts, k);
    const columns = words.map((col, w) => b.constant(`${p}_keys${w}`, INT64, col));
    const keys = words.map((_, w) => {
      const from = w * TOKENS_PER_WORD;
      const to = Math.min(from + TOKENS_PER_WORD, k);
      const part = b.node(
        "Slice",
        [
          ctx,
          b.constant(`${p}_w${w}_from`, INT64, [BigInt(from)]),
          b.constant(`${p}_w${w}_to`, INT64, [BigInt(to)]),
          axis0,
        ],
        `${p}_w${w}_tokens`,
      );
      const scale = Array.from({ length: to - from }, (_, j) => 1n << BigInt(16 * (to - from - 1 - j)));
      const scaled = b.node("Mul", [part, b.constant(`${p}_w${w}_scale`, INT64, scale)], `${p}_w${w}_scaled`);
      return b.node("ReduceSum", [scaled, axis0], `${p}_key${w}`, [intAttr("keepdims", 1)]);
    });
    // rows below the key: lexicographic over the words, the last word decided first.
    let below = "";
    for (let w = words.length - 1; w >= 0; w--) {
      const less = b.node("Less", [columns[w]!, keys[w]!], `${p}_lt${w}`);
      if (w === words.length - 1) below = less;
      else {
        const tie = b.node("Equal", [columns[w]!, keys[w]!], `${p}_eq${w}`);
        below = b.node("Or", [less, b.node("And", [tie, below], `${p}_tie${w}`)], `${p}_below${w}`);
      }
    }
    const row = b.node(
      "ReduceSum",
      [b.node("Cast", [below], `${p}_below_n`, [intAttr("to", Number(INT64))]), axis0],
      `${p}_row`,
      [intAttr("keepdims", 1)],
    );
    let found = "";
    words.forEach((_, w) => {
      const at = b.node("Gather", [columns[w]!, row], `${p}_at${w}`, [intAttr("axis", 0)]);
      const same = b.node("Equal", [at, keys[w]!], `${p}_same${w}`);
      found = w === 0 ? same : b.node("And", [found, same], `${p}_found${w}`);
    });
    const offsets = b.constant(`${p}_offsets`, INT64, [
      ...Array.from(level.offsets, BigInt),
      BigInt(level.offsets[level.offsets.length - 1]!),
    ]);
    const from = b.node("Gather", [offsets, row], `${p}_start`, [intAttr("axis", 0)]);
    const to = b.node("Gather", [offsets, b.node("Add", [row, one], `${p}_next_row`)], `${p}_end`, [
      intAttr("axis", 0),
    ]);
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
      input: [valueInfo(CONTEXT, INT64, [L])],
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
