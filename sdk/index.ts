export * from "./provider.ts";
export * from "./wallet.ts";
export * from "./accounts.ts";
