/** `openledger serve`'s defaults, apart so the CLI reads them without loading the node. */
export const SERVE_DEFAULTS = {
  port: 8550,
  windowMs: 2,
  maxBatch: 64,
  quoteTtlMs: 60_000,
  maxQuotes: 100_000,
  maxModels: 16,
} as const;
