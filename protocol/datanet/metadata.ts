import { hash } from "node:crypto";
import { CodedError } from "../errors.ts";
import type { Field } from "../field.ts";
import { MAX_MAGNITUDE, VECTOR_BITS } from "../fixed-point.ts";
import { digestToField } from "../provenance/rows.ts";

/**
 * A Datanet's metadata document (docs/protocol.md §10.1): what the Datanet holds and the rows
 * it takes. L2 records only its `metadataHash`; the document itself lives in the store as a
 * public blob. Version 1 describes a tabular Datanet, version 2 a text one:
 *
 *   { "version": 1, "name": string, "description": string,
 *     "schema": { "features": { "count": n, "kind": "numeric" },
 *                 "label": { "kind": "class", "classes": k } },
 *     "license": u16 }
 *   { "version": 2, "name": string, "description": string,
 *     "schema": { "kind": "text", "tokenizer": "0x" + 64 hex },
 *     "license": u16 }
 *
 * Every field is required and no other is allowed, so one document has one canonical form.
 * A tabular document stays version 1 (version 2 refuses its schema), so that no tabular
 * Datanet has two metadataHashes.
 */
export type DatanetMetadata = TabularMetadata | TextMetadata;

interface CommonFields {
  readonly name: string;
  readonly description: string;
  /** The license id a contribution takes unless it names another (a u16, as L2 records it). */
  readonly license: number;
}

export interface TabularMetadata extends CommonFields {
  readonly version: 1;
  readonly schema: RowSchema;
}

export interface TextMetadata extends CommonFields {
  readonly version: 2;
  readonly schema: TextSchema;
}

/**
 * A text Datanet's rows are documents (§12.2). `tokenizer` is the tokenizerHash (§12.1) as
 * 0x hex, 64 lowercase digits; whether it is this network's tokenizer is checked where
 * documents are tokenized (protocol/text/text-datanet.ts), not here, so that reading a
 * document does not load the tokenizer's ranks.
 */
export interface TextSchema {
  readonly kind: "text";
  readonly tokenizer: string;
}

export interface RowSchema {
  readonly features: { readonly count: number; readonly kind: "numeric" };
  /** Labels are class indices 0..classes-1. */
  readonly label: { readonly kind: "class"; readonly classes: number };
}

export const DatanetErrorCode = {
  /** A metadata document that is not valid JSON or breaks a rule of the format. */
  InvalidMetadata: "INVALID_METADATA",
  /** Metadata bytes that do not hash to the metadataHash they were fetched for. */
  MetadataMismatch: "METADATA_MISMATCH",
  /** Rows that do not fit the Datanet's schema (the message names each bad line). */
  InvalidRows: "INVALID_ROWS",
  /** A rows file with no row. */
  EmptyFile: "EMPTY_FILE",
  /** A rows file that changed between the check and the upload. */
  FileChanged: "FILE_CHANGED",
  /** Rows for a tabular Datanet sent to a text one, or documents to a tabular one. */
  WrongDatanetKind: "WRONG_DATANET_KIND",
  /** Documents that are not UTF-8, are empty, or are framed wrongly (the message names which). */
  InvalidDocuments: "INVALID_DOCUMENTS",
  /** A text Datanet whose tokenizer is not the network's (docs/protocol.md §12.1). */
  UnsupportedTokenizer: "UNSUPPORTED_TOKENIZER",
} as const;
export type DatanetErrorCode = (typeof DatanetErrorCode)[keyof typeof DatanetErrorCode];

export class DatanetError extends CodedError<DatanetErrorCode> {
  override readonly name = "DatanetError";
}

export const MAX_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 10_000;
/** Features a row may have: what the store's compact row header and a sane upload allow. */
export const MAX_FEATURES = 1 << 20;
const U16 = 0xffff;
const U32 = 0xffffffff;
/** Largest |x| whose fixed-point value is not saturated (docs/attribution.md §4). */
export const MAX_FEATURE_MAGNITUDE = MAX_MAGNITUDE / 2 ** VECTOR_BITS;

const invalid = (why: string) =>
  new DatanetError(DatanetErrorCode.InvalidMetadata, `Datanet metadata: ${why}`);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Refuses keys other than `keys` (and missing ones), naming the object by `path`. */
function exactKeys(o: Record<string, unknown>, keys: readonly string[], path: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw invalid(`unknown field ${path}${k}`);
  for (const k of keys) if (!(k in o)) throw invalid(`missing field ${path}${k}`);
}

function integer(x: unknown, path: string, min: number, max: number): number {
  if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > max) {
    throw invalid(`${path} must be an integer in [${min}, ${max}], got ${JSON.stringify(x)}`);
  }
  return x;
}

function text(x: unknown, path: string, min: number, max: number): string {
  if (typeof x !== "string" || x.length < min || x.length > max) {
    throw invalid(`${path} must be a string of ${min} to ${max} characters`);
  }
  return x;
}

/** Checks a parsed document against its version of the format; returns it typed. */
export function checkMetadata(doc: unknown): DatanetMetadata {
  if (!isObject(doc)) throw invalid("the document must be a JSON object");
  if (doc.version !== 1 && doc.version !== 2) {
    throw invalid(`version must be 1 or 2, got ${JSON.stringify(doc.version)}`);
  }
  exactKeys(doc, ["version", "name", "description", "schema", "license"], "");
  const common = {
    name: text(doc.name, "name", 1, MAX_NAME_LENGTH),
    description: text(doc.description, "description", 0, MAX_DESCRIPTION_LENGTH),
    license: integer(doc.license, "license", 0, U16),
  };
  const s = doc.schema;
  if (!isObject(s)) throw invalid("schema must be an object");
  return doc.version === 1
    ? { version: 1, ...common, schema: rowSchema(s) }
    : { version: 2, ...common, schema: textSchema(s) };
}

function rowSchema(s: Record<string, unknown>): RowSchema {
  exactKeys(s, ["features", "label"], "schema.");
  const f = s.features;
  if (!isObject(f)) throw invalid("schema.features must be an object");
  exactKeys(f, ["count", "kind"], "schema.features.");
  const count = integer(f.count, "schema.features.count", 1, MAX_FEATURES);
  if (f.kind !== "numeric")
    throw invalid(`schema.features.kind must be "numeric", got ${JSON.stringify(f.kind)}`);
  const l = s.label;
  if (!isObject(l)) throw invalid("schema.label must be an object");
  exactKeys(l, ["kind", "classes"], "schema.label.");
  if (l.kind !== "class") throw invalid(`schema.label.kind must be "class", got ${JSON.stringify(l.kind)}`);
  const classes = integer(l.classes, "schema.label.classes", 1, U32);
  return { features: { count, kind: "numeric" }, label: { kind: "class", classes } };
}

const HASH_HEX = /^0x[0-9a-f]{64}$/;

function textSchema(s: Record<string, unknown>): TextSchema {
  if (s.kind !== "text") {
    throw invalid(
      `schema.kind must be "text" in version 2 (tabular schemas are version 1), got ${JSON.stringify(s.kind)}`,
    );
  }
  exactKeys(s, ["kind", "tokenizer"], "schema.");
  if (typeof s.tokenizer !== "string" || !HASH_HEX.test(s.tokenizer)) {
    throw invalid("schema.tokenizer must be a tokenizerHash as 0x and 64 lowercase hex digits");
  }
  return { kind: "text", tokenizer: s.tokenizer };
}

/** `m` if it describes a tabular Datanet; WRONG_DATANET_KIND (naming `what`) otherwise. */
export function tabularMetadata(m: DatanetMetadata, what: string): TabularMetadata {
  if (m.version !== 1) {
    throw new DatanetError(
      DatanetErrorCode.WrongDatanetKind,
      `${what} is a text Datanet: it takes documents (--text), not rows`,
    );
  }
  return m;
}

/** Parses and checks a metadata document from its bytes (any JSON layout, UTF-8). */
export function parseMetadata(bytes: Uint8Array): DatanetMetadata {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw invalid(`not UTF-8 JSON: ${(e as Error).message}`);
  }
  return checkMetadata(doc);
}

/**
 * JSON with object keys sorted (by UTF-16 code units, as Array.prototype.sort does) and no
 * whitespace. For documents of strings, integers and objects, as this one is, that is the
 * JSON Canonicalization Scheme (RFC 8785).
 */
function canonicalJson(x: unknown): string {
  if (isObject(x)) {
    const keys = Object.keys(x).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(x[k])}`).join(",")}}`;
  }
  return JSON.stringify(x);
}

/** The canonical bytes of a document: what is stored and what metadataHash covers. */
export function canonicalMetadata(m: DatanetMetadata): Uint8Array {
  return new TextEncoder().encode(canonicalJson(checkMetadata(m)));
}

/** SHA-256 of the canonical bytes, read big-endian, reduced mod r (like modelHash). */
export function metadataHash(m: DatanetMetadata): Field {
  return digestOfBytes(canonicalMetadata(m));
}

function digestOfBytes(bytes: Uint8Array): Field {
  return digestToField(new Uint8Array(hash("sha256", bytes, "buffer")));
}

/**
 * Metadata fetched as bytes, refused unless they are the canonical bytes of a valid
 * document and hash to `expected`: a reader checks what the store hands back.
 */
export function metadataFromBytes(bytes: Uint8Array, expected: Field): DatanetMetadata {
  const got = digestOfBytes(bytes);
  if (got !== expected) {
    throw new DatanetError(
      DatanetErrorCode.MetadataMismatch,
      `metadata bytes hash to 0x${got.toString(16).padStart(64, "0")}, not the expected metadataHash`,
    );
  }
  const m = parseMetadata(bytes);
  if (Buffer.compare(Buffer.from(canonicalMetadata(m)), Buffer.from(bytes)) !== 0) {
    throw invalid("the bytes are not in canonical form");
  }
  return m;
}

/**
 * Why a row does not fit `schema`, or undefined if it does: the label a class index, the
 * width the schema's, every feature a finite number within the fixed-point range (larger
 * ones would be saturated, so the row hash would not be of the value given).
 */
export function rowProblem(
  schema: RowSchema,
  label: unknown,
  features: readonly unknown[],
): string | undefined {
  const classes = schema.label.classes;
  if (typeof label !== "number" || !Number.isInteger(label) || label < 0 || label >= classes) {
    return `label ${JSON.stringify(label)} is not a class index in [0, ${classes - 1}]`;
  }
  const want = schema.features.count;
  if (features.length !== want) return `${features.length} features, the schema has ${want}`;
  for (let j = 0; j < features.length; j++) {
    const x = features[j];
    if (typeof x !== "number") return `feature ${j + 1} is ${JSON.stringify(x) ?? String(x)}, not a number`;
    if (!Number.isFinite(x)) return `feature ${j + 1} is ${x}`;
    if (Math.abs(x) > MAX_FEATURE_MAGNITUDE) {
      return `feature ${j + 1} is ${x}, beyond the fixed-point range ±${MAX_FEATURE_MAGNITUDE}`;
    }
  }
  return undefined;
}
