import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { DatanetError, DatanetErrorCode } from "../protocol/datanet/metadata.ts";

/**
 * A contributor's documents (docs/store.md, "Contributing documents"), from one of:
 *  - a `.txt` file: one document, the whole file;
 *  - a directory: one document per `.txt` file in it (not in subdirectories), in the order
 *    of their names (by UTF-16 code units); other files are left out;
 *  - a `.jsonl` (or `.ndjson`) file: one `{"text": "..."}` a line, blank lines skipped.
 * Every document must be UTF-8 and not empty (INVALID_DOCUMENTS, naming the file or line);
 * an input without a document is EMPTY_FILE.
 */
export interface TextInput {
  readonly documents: string[];
  /** Where each document came from: a file, or `file:line`. */
  readonly names: string[];
}

const invalid = (why: string) => new DatanetError(DatanetErrorCode.InvalidDocuments, why);
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array, name: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalid(`${name} is not UTF-8`);
  }
}

function document(text: string, name: string): string {
  if (text === "") throw invalid(`${name} is empty: a document holds at least one character`);
  return text;
}

function jsonlDocuments(text: string, path: string): TextInput {
  const out: TextInput = { documents: [], names: [] };
  text.split("\n").forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    const name = `${path}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw invalid(`${name} is not JSON: ${(e as Error).message}`);
    }
    const o = v as Record<string, unknown>;
    if (
      typeof v !== "object" ||
      v === null ||
      Object.keys(o).join() !== "text" ||
      typeof o.text !== "string"
    ) {
      throw invalid(`${name} is not {"text": "..."}`);
    }
    out.documents.push(document(o.text, name));
    out.names.push(name);
  });
  return out;
}

export async function readTextInput(path: string): Promise<TextInput> {
  let input: TextInput;
  if ((await stat(path)).isDirectory()) {
    const files = (await readdir(path, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith(".txt"))
      .map((e) => e.name)
      .sort();
    const names = files.map((f) => join(path, f));
    const documents: string[] = [];
    for (const n of names) documents.push(document(decode(await readFile(n), n), n));
    input = { documents, names };
  } else {
    const text = decode(await readFile(path), path);
    const ext = extname(path).toLowerCase();
    if (ext === ".jsonl" || ext === ".ndjson") input = jsonlDocuments(text, path);
    else if (ext === ".txt") input = { documents: [document(text, path)], names: [path] };
    else throw invalid(`${path}: give a .txt file, a directory of .txt files, or a .jsonl of {"text"} lines`);
  }
  if (input.documents.length === 0)
    throw new DatanetError(DatanetErrorCode.EmptyFile, `${path} holds no document`);
  return input;
}
