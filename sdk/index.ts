export * from "./provider.ts";
export * from "./wallet.ts";
export * from "./accounts.ts";
export * from "./amounts.ts";
export * from "./governance/actions.ts";
export * from "./governance/governor.ts";
export * from "./text.ts";
