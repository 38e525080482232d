import { ModuleBuilder } from "wasmbuilder";
import { FIELD_MODULUS as P } from "../field.ts";
import { ELEMENT_BYTES, emitField } from "./fr.ts";
import { emitPoseidon } from "./poseidon-code.ts";
import { emitBabyJub } from "./babyjub-code.ts";

/**
 * The one WebAssembly instance of this thread (each worker thread builds its own): Fr
 * arithmetic, the Poseidon permutation and BabyJubJub point arithmetic, emitted with
 * wasmbuilder when this module loads (a few tens of milliseconds) and compiled in place.
 *
 * JavaScript talks to it through memory: `put` writes a field element (as Montgomery limbs),
 * `get` reads one back; `alloc` hands out memory for data made at run time (Poseidon plans,
 * point tables). Everything here is synchronous and pure: no I/O.
 */
export interface WasmExports {
  fr_mul(x: number, y: number, r: number): void;
  fr_mulAdd(x: number, y: number, z: number, r: number): void;
  fr_square(x: number, r: number): void;
  fr_dot(a: number, b: number, n: number, r: number): void;
  fr_add(x: number, y: number, r: number): void;
  fr_sub(x: number, y: number, r: number): void;
  fr_copy(x: number, r: number): void;
  fr_fromU64(words: number, r: number): void;
  fr_toU64(x: number, words: number): void;
  fr_eq(x: number, y: number): number;
  fr_pow(x: number, eBytes: number, r: number): void;
  poseidon_perm(plan: number, t: number, nP: number, st: number): void;
  jj_fromAffine(p: number): void;
  jj_onCurve(p: number): number;
  jj_table(p: number, table: number): void;
  jj_comb(p: number, table: number): void;
  jj_prepareKey(a: number, out: number): void;
  jj_verify(sBytes: number, hBytes: number, a: number, r8: number): number;
  jj_verifyComb(sBytes: number, hBytes: number, keyComb: number, r8: number): number;
  jj_mulBase(sBytes: number, out: number): void;
}

export const E = ELEMENT_BYTES;
const PAGE = 65536;

function build() {
  const mb = new ModuleBuilder();
  const constants = emitField(mb);
  emitPoseidon(mb);
  const layout = emitBabyJub(mb, constants);
  const io = mb.alloc(64);
  const bytes = mb.build();
  const memory = new WebAssembly.Memory({ initial: Math.ceil((mb.free + PAGE) / PAGE) });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return { memory, exports: instance.exports as unknown as WasmExports, io, free: mb.free, layout };
}

const built = build();
export const wasm: WasmExports = built.exports;
export const jubLayout = built.layout;
const memory = built.memory;
let view = new DataView(memory.buffer);
let free = (built.free + 63) & ~63;
const io = built.io;

/** `bytes` of zeroed memory that stays allocated for the life of the thread. */
export function alloc(bytes: number): number {
  const p = free;
  free += (bytes + 63) & ~63;
  const need = free - memory.buffer.byteLength;
  if (need > 0) {
    memory.grow(Math.ceil(need / PAGE));
    view = new DataView(memory.buffer);
  }
  return p;
}

/** Writes field element x (any integer, taken mod p) at `p`, in Montgomery form. */
export function put(p: number, x: bigint): void {
  let v = x >= 0n && x < P ? x : ((x % P) + P) % P;
  for (let k = 0; k < 4; k++) {
    view.setBigUint64(io + 8 * k, BigInt.asUintN(64, v), true);
    v >>= 64n;
  }
  wasm.fr_fromU64(io, p);
}

/** The canonical value of the field element at `p`. */
export function get(p: number): bigint {
  wasm.fr_toU64(p, io);
  return (
    view.getBigUint64(io, true) |
    (view.getBigUint64(io + 8, true) << 64n) |
    (view.getBigUint64(io + 16, true) << 128n) |
    (view.getBigUint64(io + 24, true) << 192n)
  );
}

/** Writes 32 little-endian bytes of a scalar (below 2^256) at `p`. */
export function putScalar(p: number, x: bigint): void {
  let v = x;
  for (let k = 0; k < 4; k++) {
    view.setBigUint64(p + 8 * k, BigInt.asUintN(64, v), true);
    v >>= 64n;
  }
}
