export * from "./codec.ts";
export * from "./fields.ts";
export * from "./sign.ts";
export * from "./types.ts";
