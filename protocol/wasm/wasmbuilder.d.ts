/** The part of wasmbuilder (iden3's WebAssembly code emitter) that protocol/wasm uses. */
declare module "wasmbuilder" {
  /** WebAssembly instructions as byte arrays; an operation takes its operands' code first. */
  export type Code = number[];
  export interface CodeBuilder {
    getLocal(name: string): Code;
    setLocal(name: string, value: Code): Code;
    teeLocal(name: string, value: Code): Code;
    i32_const(n: number): Code;
    i64_const(n: number | bigint): Code;
    i32_load8_u(addr: Code, offset?: number): Code;
    i64_load(addr: Code, offset?: number): Code;
    i64_store(addr: Code, offset: number, value: Code): Code;
    i64_extend_i32_s(a: Code): Code;
    i64_load32_u(addr: Code, offset?: number): Code;
    i64_store32(addr: Code, offset: number, value: Code): Code;
    call(fn: string, ...args: Code[]): Code;
    if(cond: Code, then: Code, otherwise?: Code): Code;
    block(body: Code): Code;
    loop(...body: Code[]): Code;
    br_if(depth: number, cond: Code): Code;
    br(depth: number): Code;
    ret(value: Code): Code;
    i32_add(a: Code, b: Code): Code;
    i32_sub(a: Code, b: Code): Code;
    i32_mul(a: Code, b: Code): Code;
    i32_and(a: Code, b: Code): Code;
    i32_shr_u(a: Code, b: Code): Code;
    i32_eq(a: Code, b: Code): Code;
    i32_eqz(a: Code): Code;
    i32_lt_u(a: Code, b: Code): Code;
    i32_ge_u(a: Code, b: Code): Code;
    i32_wrap_i64(a: Code): Code;
    i64_add(a: Code, b: Code): Code;
    i64_sub(a: Code, b: Code): Code;
    i64_mul(a: Code, b: Code): Code;
    i64_and(a: Code, b: Code): Code;
    i64_or(a: Code, b: Code): Code;
    i64_xor(a: Code, b: Code): Code;
    i64_shl(a: Code, b: Code): Code;
    i64_shr_u(a: Code, b: Code): Code;
    i64_shr_s(a: Code, b: Code): Code;
    i64_lt_s(a: Code, b: Code): Code;
    i64_eq(a: Code, b: Code): Code;
    i64_ne(a: Code, b: Code): Code;
    i64_eqz(a: Code): Code;
  }
  export interface FunctionBuilder {
    addParam(name: string, type: "i32" | "i64"): void;
    addLocal(name: string, type: "i32" | "i64", length?: number): void;
    setReturnType(type: "i32" | "i64"): void;
    addCode(...code: Code[]): void;
    getCodeBuilder(): CodeBuilder;
  }
  export class ModuleBuilder {
    /** First free byte of memory after the data placed so far. */
    free: number;
    setMemory(pages: number, moduleName?: string, fieldName?: string): void;
    addFunction(name: string): FunctionBuilder;
    exportFunction(name: string, exportName?: string): void;
    /** Reserves `size` bytes (8-aligned), optionally with initial bytes; returns the address. */
    alloc(size: number, bytes?: Uint8Array | number[]): number;
    build(): Uint8Array;
  }
}
