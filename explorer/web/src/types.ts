/**
 * API replies as the pages read them. Their shapes are fixed by the server's JSON schemas
 * (api/schemas.ts, published at /docs/json); the pages read them loosely rather than
 * restating every schema as a TypeScript type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Reply = any;
