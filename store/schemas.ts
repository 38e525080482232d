import { BLOB_KINDS } from "./service.ts";

/**
 * JSON schemas of the store's HTTP API, for requests and replies: fastify validates what
 * arrives and serializes what leaves through them (docs/store.md, "API").
 */
const hex32 = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;
const u32 = { type: "integer", minimum: 0, maximum: 0xffffffff } as const;

/** Largest rows blob the upload call takes: its row hashes travel in one JSON body. */
export const MAX_ROWS = 1 << 20;
/** Room for MAX_ROWS row hashes in base64 (44 characters each) and the rest of the body. */
export const MAX_JSON_BYTES = MAX_ROWS * 44 + (1 << 16);

export const errorReply = {
  type: "object",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;

const errors = { "4xx": errorReply, "5xx": errorReply } as const;

export const identity = {
  type: "object",
  required: ["key", "box"],
  additionalProperties: false,
  properties: { key: hex32, box: hex32 },
} as const;

export const envelopeRecord = {
  type: "object",
  required: ["reader", "role", "envelope"],
  additionalProperties: false,
  properties: {
    reader: identity,
    role: { type: "string", enum: ["owner", "curator", "prover", "reader"] },
    envelope: { type: "string", pattern: "^[0-9a-f]{160}$" },
  },
} as const;

/** A field element as the chain's records print it: 0x and 64 lower-case hex digits. */
const fieldHex = { type: "string", pattern: "^0x[0-9a-f]{64}$" } as const;

/** Content hashes one blob may be listed under (`contentHashes` at complete). */
export const MAX_CONTENT_HASHES = 4096;

const nullable = <T extends object>(s: T) => ({ anyOf: [s, { type: "null" }] }) as const;

export const blobRecord = {
  type: "object",
  required: [
    "id",
    "kind",
    "size",
    "owner",
    "datanet",
    "rowCount",
    "contentRoot",
    "contentHash",
    "duplicateRows",
    "createdAt",
  ],
  properties: {
    id: hex32,
    kind: { type: "string", enum: BLOB_KINDS },
    size: { type: "integer" },
    owner: identity,
    datanet: nullable(u32),
    rowCount: nullable(u32),
    contentRoot: nullable({ type: "string" }),
    contentHash: nullable({ type: "string" }),
    duplicateRows: { type: "integer" },
    createdAt: { type: "integer" },
  },
} as const;

const uploadParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: "^[0-9a-f]{32}$" } },
} as const;

const blobParams = { type: "object", required: ["id"], properties: { id: hex32 } } as const;

const duplicates = { type: "array", items: { type: "integer" } } as const;

export const createUploadSchema = {
  body: {
    type: "object",
    required: ["kind", "size"],
    additionalProperties: false,
    properties: {
      kind: { type: "string", enum: BLOB_KINDS },
      size: { type: "integer", minimum: 1 },
      datanet: { type: "integer", minimum: 1, maximum: 0xffffffff },
      /** Base64 of the concatenated 32-byte row hashes, in row order. */
      rowHashes: { type: "string", maxLength: MAX_ROWS * 44 },
      refuseDuplicates: { type: "boolean" },
    },
  },
  response: {
    201: {
      type: "object",
      required: ["uploadId", "size", "received", "maxChunkBytes", "duplicates"],
      properties: {
        uploadId: { type: "string" },
        size: { type: "integer" },
        received: { type: "integer" },
        maxChunkBytes: { type: "integer" },
        duplicates,
      },
    },
    ...errors,
  },
} as const;

export const uploadStatusSchema = {
  params: uploadParams,
  response: {
    200: {
      type: "object",
      required: ["uploadId", "size", "received"],
      properties: { uploadId: { type: "string" }, size: { type: "integer" }, received: { type: "integer" } },
    },
    ...errors,
  },
} as const;

export const chunkSchema = {
  params: uploadParams,
  querystring: {
    type: "object",
    required: ["offset"],
    properties: { offset: { type: "integer", minimum: 0 } },
  },
  response: {
    200: { type: "object", required: ["received"], properties: { received: { type: "integer" } } },
    ...errors,
  },
} as const;

export const completeSchema = {
  params: uploadParams,
  body: {
    type: "object",
    required: ["blobId", "envelopes"],
    additionalProperties: false,
    properties: {
      blobId: hex32,
      contentRoot: fieldHex,
      contentHash: fieldHex,
      contentHashes: { type: "array", minItems: 1, maxItems: MAX_CONTENT_HASHES, items: fieldHex },
      envelopes: { type: "array", minItems: 1, maxItems: 256, items: envelopeRecord },
    },
  },
  response: {
    201: { type: "object", required: ["blob", "duplicates"], properties: { blob: blobRecord, duplicates } },
    ...errors,
  },
} as const;

export const findByContentSchema = {
  params: { type: "object", required: ["hash"], properties: { hash: fieldHex } },
  response: {
    200: { type: "object", required: ["blobs"], properties: { blobs: { type: "array", items: blobRecord } } },
    ...errors,
  },
} as const;

export const blobInfoSchema = {
  params: blobParams,
  response: {
    200: {
      type: "object",
      required: ["blob", "envelope"],
      properties: { blob: blobRecord, envelope: envelopeRecord },
    },
    ...errors,
  },
} as const;

export const blobDataSchema = {
  params: blobParams,
  response: {
    200: { type: "string", description: "the stored bytes (application/octet-stream)" },
    ...errors,
  },
} as const;

export const grantSchema = {
  params: blobParams,
  body: envelopeRecord,
  response: {
    200: { type: "object", required: ["granted"], properties: { granted: { type: "boolean" } } },
    ...errors,
  },
} as const;

export const identitySchema = {
  params: { type: "object", required: ["key"], properties: { key: hex32 } },
  response: {
    200: {
      type: "object",
      required: ["key", "box", "proof"],
      properties: {
        key: hex32,
        box: hex32,
        proof: {
          type: "object",
          required: ["method", "url", "bodyHash", "time", "nonce", "signature"],
          properties: {
            method: { type: "string" },
            url: { type: "string" },
            bodyHash: hex32,
            time: { type: "integer" },
            nonce: { type: "string" },
            signature: { type: "string" },
          },
        },
      },
    },
    ...errors,
  },
} as const;

export const healthSchema = {
  response: { 200: { type: "object", required: ["ok"], properties: { ok: { type: "boolean" } } } },
} as const;
