export * from "./provider.ts";
export * from "./wallet.ts";
