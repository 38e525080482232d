import onnxProto from "onnx-proto";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { Dense, Mlp } from "./mlp.ts";

const { onnx } = onnxProto;

/** Graph names a prover relies on: the embedding and probability outputs. */
export const INPUT = "input";
export const EMBEDDING = "embedding";
export const PROBS = "probs";
const HEAD_L2_KEY = "openledger.head_l2";
const OPSET = 17;
const IR_VERSION = 8;

/**
 * Writes `mlp` as an ONNX model (IR 8, opset 17): Gemm+Relu per hidden layer, a Gemm head
 * and a Softmax. Weights are stored as float32, so the canonical model is `decodeMlp` of
 * these bytes, not the float64 parameters that went in. `metadata` entries are written after
 * the head's L2 weight, in key order (so the bytes do not depend on insertion order).
 */
export function encodeMlp(mlp: Mlp, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const initializer: InstanceType<typeof onnx.TensorProto>[] = [];
  const node: InstanceType<typeof onnx.NodeProto>[] = [];
  let current = INPUT;
  mlp.layers.forEach((layer, i) => {
    const isHead = i === mlp.layers.length - 1;
    initializer.push(
      tensor(`w${i}`, [layer.outDim, layer.inDim], layer.w),
      tensor(`b${i}`, [layer.outDim], layer.b),
    );
    const gemmOut = isHead ? "logits" : `z${i}`;
    node.push(
      onnx.NodeProto.create({
        opType: "Gemm",
        input: [current, `w${i}`, `b${i}`],
        output: [gemmOut],
        attribute: [
          onnx.AttributeProto.create({ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
        ],
      }),
    );
    if (isHead) return;
    current = i === mlp.layers.length - 2 ? EMBEDDING : `h${i}`;
    node.push(onnx.NodeProto.create({ opType: "Relu", input: [gemmOut], output: [current] }));
  });
  node.push(
    onnx.NodeProto.create({
      opType: "Softmax",
      input: ["logits"],
      output: [PROBS],
      attribute: [
        onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 }),
      ],
    }),
  );
  const headLayer = mlp.layers[mlp.layers.length - 1]!;
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "openledger",
    metadataProps: [
      { key: HEAD_L2_KEY, value: String(mlp.headL2) },
      ...Object.keys(metadata)
        .sort()
        .map((key) => ({ key, value: metadata[key]! })),
    ],
    graph: onnx.GraphProto.create({
      name: "mlp",
      node,
      initializer,
      input: [valueInfo(INPUT, mlp.layers[0]!.inDim)],
      output: [valueInfo(EMBEDDING, headLayer.inDim), valueInfo(PROBS, headLayer.outDim)],
    }),
  });
  // A Uint8Array of its own: protobufjs hands back a Buffer cut from Node's shared pool.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

/** Reads back a model written by `encodeMlp`; anything else is refused. */
export function decodeMlp(bytes: Uint8Array): Mlp {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      "model bytes are not an ONNX ModelProto",
      {},
      { cause },
    );
  }
  const weights = new Map<string, { dims: number[]; data: Float64Array }>();
  for (const t of model.graph?.initializer ?? []) {
    weights.set(t.name ?? "", { dims: (t.dims ?? []).map(Number), data: readFloats(t) });
  }
  const layers: Dense[] = [];
  for (let i = 0; weights.has(`w${i}`); i++) {
    const w = weights.get(`w${i}`)!;
    const b = weights.get(`b${i}`);
    const [outDim, inDim] = w.dims as [number, number];
    if (!b || b.data.length !== outDim || w.data.length !== outDim * inDim) {
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `layer ${i} has inconsistent shapes`);
    }
    layers.push({ inDim, outDim, w: w.data, b: b.data });
  }
  const l2 = Number(model.metadataProps.find((p) => p.key === HEAD_L2_KEY)?.value);
  if (layers.length < 2 || !Number.isFinite(l2)) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, "not an OpenLedger MLP: layers or head_l2 missing");
  }
  return { layers, headL2: l2 };
}

/** The value of metadata entry `key` of model bytes written by `encodeMlp`, if present. */
export function modelMetadata(bytes: Uint8Array, key: string): string | undefined {
  return onnx.ModelProto.decode(bytes).metadataProps.find((p) => p.key === key)?.value ?? undefined;
}

/** The float32 value of every parameter, i.e. what `decodeMlp(encodeMlp(mlp))` gives. */
export function roundToFloat32(mlp: Mlp): Mlp {
  return {
    headL2: mlp.headL2,
    layers: mlp.layers.map((l) => ({
      ...l,
      w: Float64Array.from(new Float32Array(l.w)),
      b: Float64Array.from(new Float32Array(l.b)),
    })),
  };
}

function tensor(name: string, dims: number[], values: Float64Array): InstanceType<typeof onnx.TensorProto> {
  const f32 = new Float32Array(values);
  const raw = new Uint8Array(f32.byteLength);
  const view = new DataView(raw.buffer);
  f32.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function readFloats(t: onnxProto.onnx.ITensorProto): Float64Array {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `tensor ${t.name} is not float32`);
  }
  if (t.rawData && t.rawData.length > 0) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Float64Array.from({ length: t.rawData.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
  }
  return Float64Array.from(t.floatData ?? []);
}

function valueInfo(name: string, width: number): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: "batch" }, { dimValue: width }] },
      },
    },
  });
}
