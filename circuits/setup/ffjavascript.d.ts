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
  interface Bn128 {
    tm: ThreadManager;
    Fr: FrField;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<Bn128>;
}
