export * from "./content-root.ts";
export * from "./model-hash.ts";
export * from "./rows.ts";
export * from "./uri-commitment.ts";
