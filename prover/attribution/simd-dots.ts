/**
 * Dot products of many float32 rows with one float64 vector, in WebAssembly SIMD: the hot
 * loop of KNN-Shapley at 60,000 rows, where plain JavaScript is limited by reading float64
 * embeddings. Rows are stored as float32 (half the memory traffic), which holds embeddings on
 * the 2^-16 grid exactly below 256; products and sums are float64 in the same order as the
 * JavaScript loop in knn-shapley.ts (lane sums j mod 4, then (s0 + s1) + (s2 + s3)), so the
 * results are bit-identical to it.
 *
 * The module is written here byte by byte (no toolchain needed); its text form:
 *   (func (export "dots") (param $f $t $out $n $dim i32)
 *     for r < n: acc0 = acc1 = 0
 *       for j < dim step 4: v = load32x4(f)
 *         acc0 += promote(v[0..1]) * load64x2(t)
 *         acc1 += promote(v[2..3]) * load64x2(t + 16)
 *       store64(out, (acc0[0] + acc0[1]) + (acc1[0] + acc1[1])))
 */
const SIMD = 0xfd;
const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32 = (v: number) => [0x41, v];
const I32_ADD = 0x6a;
const v128Load = (alignLog2: number, offset: number) => [SIMD, 0x00, alignLog2, offset];
const F64X2_ADD = [SIMD, 0xf0, 0x01];
const F64X2_MUL = [SIMD, 0xf2, 0x01];
const PROMOTE_LOW = [SIMD, 0x5f];
const lane = (i: number) => [SIMD, 0x21, i];
const ZERO_V128 = [SIMD, 0x0c, ...new Array<number>(16).fill(0)];
// Locals: params f=0 t=1 out=2 n=3 dim=4; r=5 j=6 tp=7 (i32); acc0=8 acc1=9 v=10 (v128).
const [F, T, OUT, N, DIM, R, J, TP, ACC0, ACC1, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

const SHUFFLE_HIGH_TO_LOW = [SIMD, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const [BLOCK, LOOP, END, BR, BR_IF] = [[0x02, 0x40], [0x03, 0x40], 0x0b, 0x0c, 0x0d];
const [I32_GE_U, I32_LT_U, F64_ADD, LOCAL_TEE] = [0x4f, 0x49, 0xa0, 0x22];
const F64_STORE = [0x39, 3, 0];

// One instruction group per line, as in the text form above.
// prettier-ignore
const body = [
  [0x02, 0x03, 0x7f, 0x03, 0x7b], // locals: 3 x i32, 3 x v128
  BLOCK, LOOP,
  get(R), get(N), I32_GE_U, BR_IF, 1,
  ZERO_V128, set(ACC0), ZERO_V128, set(ACC1),
  i32(0), set(J), get(T), set(TP),
  LOOP,
  get(F), v128Load(2, 0), set(V),
  get(ACC0), get(V), PROMOTE_LOW, get(TP), v128Load(3, 0), F64X2_MUL, F64X2_ADD, set(ACC0),
  get(ACC1), get(V), get(V), SHUFFLE_HIGH_TO_LOW, PROMOTE_LOW, get(TP), v128Load(3, 16), F64X2_MUL, F64X2_ADD, set(ACC1),
  get(F), i32(16), I32_ADD, set(F),
  get(TP), i32(32), I32_ADD, set(TP),
  get(J), i32(4), I32_ADD, LOCAL_TEE, J, get(DIM), I32_LT_U, BR_IF, 0,
  END,
  get(OUT),
  get(ACC0), lane(0), get(ACC0), lane(1), F64_ADD,
  get(ACC1), lane(0), get(ACC1), lane(1), F64_ADD, F64_ADD,
  F64_STORE,
  get(OUT), i32(8), I32_ADD, set(OUT),
  get(R), i32(1), I32_ADD, set(R),
  BR, 0, END, END, END,
].flat();

const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
const MODULE = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(2, [1, ...name("env"), ...name("mem"), 0x02, 0x00, 0x00]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...name("dots"), 0x00, 0]),
  ...section(10, [1, ...uleb(body.length), ...body]),
]);

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

/** The part of the WebAssembly API used here (the project's TypeScript lib has no DOM types). */
interface Wasm {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (limits: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;

let compiled: object | null | undefined;

function compiledModule(): object | null {
  if (compiled === undefined) compiled = wasm.validate(MODULE) ? new wasm.Module(MODULE) : null;
  return compiled;
}

/** Rows held in WebAssembly memory; `dots(t)` returns <row_r, t> for every row. */
export interface SimdRows {
  dots(t: Float64Array): Float64Array;
}

/**
 * Copies the n x dim rows into WebAssembly memory as float32, or returns null when that
 * would not be exact (some value is not a float32), dim is not a multiple of 4, or the
 * runtime lacks SIMD: callers then use the JavaScript loop, which gives the same numbers.
 */
export function simdRows(f: Float64Array, n: number, dim: number): SimdRows | null {
  const mod = compiledModule();
  if (!mod || dim === 0 || dim % 4 !== 0 || n === 0) return null;
  for (const v of f) if (Math.fround(v) !== v) return null;
  const tOffset = n * dim * 4;
  const outOffset = tOffset + dim * 8;
  const mem = new wasm.Memory({ initial: Math.ceil((outOffset + n * 8) / 65536) });
  new Float32Array(mem.buffer, 0, n * dim).set(f);
  const dots = new wasm.Instance(mod, { env: { mem } }).exports.dots as (...args: number[]) => void;
  const tView = new Float64Array(mem.buffer, tOffset, dim);
  const outView = new Float64Array(mem.buffer, outOffset, n);
  return {
    dots: (t) => {
      tView.set(t);
      dots(0, tOffset, outOffset, n, dim);
      return outView;
    },
  };
}
