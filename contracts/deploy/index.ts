export * from "./addresses.ts";
export * from "./artifacts.ts";
export * from "./bootstrap.ts";
export * from "./build.ts";
export * from "./config.ts";
export * from "./deploy.ts";
export * from "./genesis.ts";
export * from "./poseidon.ts";
