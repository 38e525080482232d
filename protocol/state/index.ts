export * from "./apply.ts";
export * from "./batch.ts";
export * from "./leaves.ts";
export * from "./state.ts";
