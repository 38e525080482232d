/**
 * Child process (not a worker thread: ffjavascript's `web-worker` dependency takes over any
 * worker thread that imports it): multiplies the BN254 generator of G1 or G2 by many scalars, using
 * ffjavascript's WebAssembly curve code directly (one wasm call per point addition).
 *
 * Fixed-base windowed method: a table holds d * 256^j * G for every byte position j and
 * byte value d, so a 256-bit scalar costs at most 32 mixed additions instead of the ~380
 * doublings and additions of a plain double-and-add.
 *
 * Input scalars are 32-byte little-endian integers (standard form, reduced mod r); output
 * points are affine, Montgomery little-endian (ffjavascript's `toRprLEM`), the layout of
 * a .ptau file.
 */
import { buildBn128 } from "ffjavascript";
import type { FixedBaseRequest, FixedBaseResponse, Group } from "./fixed-base-protocol.ts";

const WINDOWS = 32;
const DIGITS = 256;
const SCALAR_BYTES = 32;
const FIELD_BYTES = { G1: 32, G2: 64 } as const;
const CHUNK_POINTS = 4096;
const WASM_PAGE = 65536;
const EXTRA_MEMORY_BYTES = 16 << 20;

interface GroupContext {
  prefix: "g1m" | "g2m";
  affineBytes: number;
  jacobianBytes: number;
  table: number;
}

const curve = await buildBn128(true);
const tm = curve.tm;
const wasm = tm.instance.exports as Record<string, (...args: number[]) => number>;

// ffjavascript starts with 1.6 MB; the two tables (jacobian while built, then affine), a
// chunk in both forms and batchToAffine's scratch space need about 7 MB more.
tm.memory.grow(EXTRA_MEMORY_BYTES / WASM_PAGE);
tm.u8 = new Uint8Array(tm.memory.buffer);
tm.u32 = new Uint32Array(tm.memory.buffer);

const contexts: Record<Group, GroupContext> = {
  G1: buildTable("G1", tm.pG1gen),
  G2: buildTable("G2", tm.pG2gen),
};
const chunkJacobian = tm.alloc(CHUNK_POINTS * 3 * FIELD_BYTES.G2);
const chunkAffine = tm.alloc(CHUNK_POINTS * 2 * FIELD_BYTES.G2);

function call(name: string, ...args: number[]): void {
  const fn = wasm[name];
  if (!fn) throw new Error(`ffjavascript wasm has no export ${name}`);
  fn(...args);
}

/** table[j][d] = d * 256^j * G, affine. Built with jacobian additions, then batch-normalized. */
function buildTable(group: Group, generator: number): GroupContext {
  const prefix = group === "G1" ? "g1m" : "g2m";
  const n8 = FIELD_BYTES[group];
  const ctx: GroupContext = { prefix, affineBytes: 2 * n8, jacobianBytes: 3 * n8, table: 0 };
  const count = WINDOWS * DIGITS;
  const jac = tm.alloc(count * ctx.jacobianBytes);
  const base = tm.alloc(ctx.jacobianBytes);
  call(`${prefix}_copy`, generator, base);
  for (let j = 0; j < WINDOWS; j++) {
    const row = jac + j * DIGITS * ctx.jacobianBytes;
    call(`${prefix}_zero`, row);
    for (let d = 1; d < DIGITS; d++) {
      call(`${prefix}_add`, row + (d - 1) * ctx.jacobianBytes, base, row + d * ctx.jacobianBytes);
    }
    // Next window's base: 256 * base = (255 * base) + base.
    call(`${prefix}_add`, row + (DIGITS - 1) * ctx.jacobianBytes, base, base);
  }
  ctx.table = tm.alloc(count * ctx.affineBytes);
  call(`${prefix}_batchToAffine`, jac, count, ctx.table);
  return ctx;
}

function multiply(group: Group, scalars: Uint8Array): Uint8Array {
  const ctx = contexts[group];
  const n = scalars.byteLength / SCALAR_BYTES;
  const out = new Uint8Array(n * ctx.affineBytes);
  const add = wasm[`${ctx.prefix}_addMixed`]!;
  const zero = wasm[`${ctx.prefix}_zero`]!;
  for (let start = 0; start < n; start += CHUNK_POINTS) {
    const count = Math.min(CHUNK_POINTS, n - start);
    for (let i = 0; i < count; i++) {
      const acc = chunkJacobian + i * ctx.jacobianBytes;
      zero(acc);
      const s = (start + i) * SCALAR_BYTES;
      for (let j = 0; j < WINDOWS; j++) {
        const d = scalars[s + j]!;
        if (d !== 0) add(acc, ctx.table + (j * DIGITS + d) * ctx.affineBytes, acc);
      }
    }
    call(`${ctx.prefix}_batchToAffine`, chunkJacobian, count, chunkAffine);
    out.set(tm.u8.subarray(chunkAffine, chunkAffine + count * ctx.affineBytes), start * ctx.affineBytes);
  }
  return out;
}

process.on("message", (req: FixedBaseRequest) => {
  const res: FixedBaseResponse = { id: req.id, points: multiply(req.group, req.scalars) };
  process.send!(res);
});
// Disconnecting the parent ends this process: nothing else keeps it alive.
process.on("disconnect", () => process.exit(0));
