/** The small part of ffjavascript (untyped upstream) that the dev setup uses. */
declare module "ffjavascript" {
  interface ThreadManager {
    memory: WebAssembly.Memory;
    u8: Uint8Array;
    u32: Uint32Array;
    instance: WebAssembly.Instance;
    pG1gen: number;
    pG2gen: number;
    alloc(length: number): number;
    terminate(): Promise<void>;
  }
  interface FrField {
    s: number;
    w: unknown[];
    toObject(a: unknown): bigint;
  }
  interface WasmCurve {
    /** Affine Montgomery little-endian points to uncompressed standard big-endian ones. */
    batchLEMtoU(points: Uint8Array): Promise<Uint8Array>;
  }
  interface Bn128 {
    tm: ThreadManager;
    G1: WasmCurve;
    G2: WasmCurve;
    Fr: FrField;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<Bn128>;
}
