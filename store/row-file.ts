import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { DatanetError, DatanetErrorCode, type RowSchema, rowProblem } from "../protocol/datanet/metadata.ts";
import { encodeRow, rowByteLength } from "../protocol/provenance/rows.ts";
import { type CanonicalRow, compactPieces, type HashedRows, RowHasher } from "./rows.ts";

/**
 * A contributor's rows file (docs/store.md, "Contributing rows"), read as it streams:
 *  - JSONL: one object a line, `{"label": 3, "features": [0.5, 1, ...]}`;
 *  - CSV: `label,x1,...,xn` a line, an optional header first (its first cell is `label`),
 *    cells optionally in double quotes; `NaN`, `inf`, `Infinity` are read as such (and then
 *    refused by the schema) so the error says what the cell holds.
 * Blank lines hold no row. Line numbers count every line from 1.
 */
export type RowFormat = "jsonl" | "csv";
export const ROW_FORMATS: readonly RowFormat[] = ["jsonl", "csv"];

/** Lines reported one by one before the rest are only counted. */
const MAX_REPORTED = 20;

/** The format a file's extension names, if it names one. */
export function rowFormatOf(path: string): RowFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  return undefined;
}

/** One line: a row still to check against the schema, why it is no row, or nothing (blank, header). */
export type ParsedLine = { label: unknown; features: unknown[] } | { problem: string } | undefined;

export function parseJsonlLine(text: string): ParsedLine {
  if (text.trim() === "") return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    if (/\b(NaN|Infinity)\b/.test(text)) return { problem: "holds NaN or Infinity, which is not a number" };
    return { problem: `not JSON: ${(e as Error).message}` };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return { problem: 'not a JSON object {"label": ..., "features": [...]}' };
  }
  const o = v as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => k !== "label" && k !== "features");
  if (extra !== undefined) return { problem: `unknown field ${JSON.stringify(extra)}` };
  if (!("label" in o)) return { problem: "no label" };
  if (!Array.isArray(o.features)) return { problem: "features is not an array" };
  return { label: o.label, features: o.features };
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

/** A CSV cell as a number where it is one (decimal only), else the text, for the error. */
function csvValue(cell: string): number | string {
  let c = cell.trim();
  if (c.length >= 2 && c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1).trim();
  if (DECIMAL.test(c)) return Number(c);
  const m = NON_FINITE.exec(c);
  if (m) return m[2]!.toLowerCase() === "nan" ? Number.NaN : m[1] === "-" ? -Infinity : Infinity;
  return c;
}

export function parseCsvLine(text: string, firstRowLine: boolean): ParsedLine {
  if (text.trim() === "") return undefined;
  const cells = text.split(",").map(csvValue);
  if (firstRowLine && typeof cells[0] === "string" && cells[0].toLowerCase() === "label") return undefined;
  return { label: cells[0], features: cells.slice(1) };
}

/** Lines of a byte stream, split at \n (a \r before it dropped), decoded as UTF-8. */
export async function* textLines(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of source) {
    const parts = (rest + decoder.write(Buffer.from(chunk))).split("\n");
    rest = parts.pop()!;
    for (const p of parts) yield p.endsWith("\r") ? p.slice(0, -1) : p;
  }
  rest += decoder.end();
  if (rest !== "") yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

type CheckedLine =
  | { readonly line: number; readonly label: number; readonly features: number[] }
  | { readonly line: number; readonly problem: string };

/** Every row-bearing line of the file, checked against the schema; `onChunk` sees the raw bytes. */
async function* checkedLines(
  path: string,
  format: RowFormat,
  schema: RowSchema,
  onChunk: (chunk: Uint8Array) => void,
): AsyncGenerator<CheckedLine> {
  async function* bytes() {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      onChunk(chunk);
      yield chunk;
    }
  }
  let line = 0;
  let rows = 0;
  for await (const text of textLines(bytes())) {
    line++;
    const parsed = format === "jsonl" ? parseJsonlLine(text) : parseCsvLine(text, rows === 0);
    if (parsed === undefined) continue;
    rows++;
    if ("problem" in parsed) {
      yield { line, problem: parsed.problem };
      continue;
    }
    const problem = rowProblem(schema, parsed.label, parsed.features);
    yield problem === undefined
      ? { line, label: parsed.label as number, features: parsed.features as number[] }
      : { line, problem };
  }
}

/** Each checked line's canonical row bytes (one buffer, reused: the width is the schema's). */
async function* canonical(lines: AsyncIterable<CheckedLine>, width: number): AsyncGenerator<CanonicalRow> {
  const bytes = new Uint8Array(rowByteLength(width));
  const view = new DataView(bytes.buffer);
  for await (const l of lines) {
    if ("problem" in l) throw changed(`line ${l.line} ${l.problem}`);
    encodeRow(l.label, l.features, bytes, 0, view);
    yield { bytes, width };
  }
}

const changed = (why: string) =>
  new DatanetError(DatanetErrorCode.FileChanged, `the rows file changed after it was checked (${why})`);

export interface ScannedFile extends HashedRows {
  readonly rowCount: number;
  /** SHA-256 of the file's bytes: the upload checks it read the same file. */
  readonly fileSha256: string;
}

/**
 * First pass over a rows file: every row checked against the schema, hashed and measured.
 * Any bad line refuses the whole file (INVALID_ROWS, naming the lines); a file without a row
 * is EMPTY_FILE. Memory holds the row hashes (32 bytes a row), not the rows.
 */
export async function scanRowFile(
  path: string,
  format: RowFormat,
  schema: RowSchema,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<ScannedFile> {
  const { size } = await stat(path);
  const fileHash = createHash("sha256");
  let read = 0;
  const hasher = new RowHasher();
  const bytes = new Uint8Array(rowByteLength(schema.features.count));
  const view = new DataView(bytes.buffer);
  const bad: Array<{ line: number; problem: string }> = [];
  let badCount = 0;
  const lines = checkedLines(path, format, schema, (chunk) => {
    fileHash.update(chunk);
    read += chunk.length;
    onProgress?.(read, size);
  });
  for await (const l of lines) {
    if ("problem" in l) {
      if (badCount++ < MAX_REPORTED) bad.push(l);
      continue;
    }
    if (badCount > 0) continue;
    encodeRow(l.label, l.features, bytes, 0, view);
    hasher.add(bytes);
  }
  if (badCount > 0) {
    const listed = bad.map((b) => `  line ${b.line}: ${b.problem}`);
    if (badCount > bad.length) listed.push(`  and ${badCount - bad.length} more`);
    throw new DatanetError(
      DatanetErrorCode.InvalidRows,
      `${path}: ${badCount} ${badCount === 1 ? "line does" : "lines do"} not fit the Datanet's schema\n${listed.join("\n")}`,
      { lines: bad, badCount },
    );
  }
  if (hasher.rows === 0) throw new DatanetError(DatanetErrorCode.EmptyFile, `${path} holds no row`);
  return { ...hasher.result(), rowCount: hasher.rows, fileSha256: fileHash.digest("hex") };
}

/**
 * Second pass: the rows blob's plaintext read from the file again, refused (FILE_CHANGED)
 * before its last piece if the file is no longer the one scanned, so an upload never
 * completes with rows other than those the row hashes commit to.
 */
export async function* rowFilePlaintext(
  path: string,
  format: RowFormat,
  schema: RowSchema,
  scanned: ScannedFile,
): AsyncGenerator<Uint8Array> {
  const fileHash = createHash("sha256");
  const lines = checkedLines(path, format, schema, (chunk) => fileHash.update(chunk));
  let held: Uint8Array | undefined;
  // One piece held back: the last is released only once the whole file hashed the same.
  for await (const piece of compactPieces(canonical(lines, schema.features.count))) {
    if (held) yield held;
    held = piece;
  }
  if (fileHash.digest("hex") !== scanned.fileSha256) throw changed("its SHA-256 differs");
  if (held) yield held;
}
