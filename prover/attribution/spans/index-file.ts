import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { endianness } from "node:os";
import type { Field } from "../../../protocol/field.ts";
import { ProverError, ProverErrorCode } from "../../errors.ts";
import { type ContributionIndex, DOCUMENT_HASH_BYTES } from "./contribution-index.ts";

/**
 * A contribution's span index on disk (docs/attribution.md §11.1), so a prover loads it
 * instead of sorting again. Little-endian throughout:
 *
 *   0  "OLSPANS\0"  8  version u32  12  tokens n u32  16  documents m u32  20  zero u32
 *  24  contentRoot (32, big-endian)  56  SHA-256 of the body (32)  88  zero (8)
 *  96  body: tokens u16 × n, zero-padded to 4 bytes; suffixes u32 × n; document starts u32 × m;
 *      document hashes 32 × m
 *
 * The body is 6 bytes a token plus 36 a document. The digest catches a truncated or altered
 * file; the root in the header, one written for another contribution.
 */
const MAGIC = Buffer.from("OLSPANS\0", "latin1");
const VERSION = 1;
const HEADER_BYTES = 96;

// Typed arrays view the file's bytes directly, which reads them in the host's byte order.
if (endianness() !== "LE") throw new Error("span index files are little-endian; this host is not");

function layout(n: number, m: number) {
  const tokens = HEADER_BYTES;
  const suffixes = tokens + Math.ceil((n * 2) / 4) * 4;
  const starts = suffixes + n * 4;
  const hashes = starts + m * 4;
  return { tokens, suffixes, starts, hashes, end: hashes + m * DOCUMENT_HASH_BYTES };
}

export function encodeIndexFile(contentRoot: Field, index: ContributionIndex): Uint8Array {
  const n = index.tokens.length;
  const m = index.documentStarts.length;
  const at = layout(n, m);
  const bytes = new Uint8Array(at.end);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, n, true);
  view.setUint32(16, m, true);
  bytes.set(Buffer.from(contentRoot.toString(16).padStart(64, "0"), "hex"), 24);
  bytes.set(new Uint8Array(index.tokens.buffer, index.tokens.byteOffset, n * 2), at.tokens);
  bytes.set(new Uint8Array(index.suffixes.buffer, index.suffixes.byteOffset, n * 4), at.suffixes);
  bytes.set(new Uint8Array(index.documentStarts.buffer, index.documentStarts.byteOffset, m * 4), at.starts);
  bytes.set(index.documentHashes, at.hashes);
  bytes.set(createHash("sha256").update(bytes.subarray(HEADER_BYTES)).digest(), 56);
  return bytes;
}

export function decodeIndexFile(contentRoot: Field, file: Uint8Array): ContributionIndex {
  const corrupt = (why: string) =>
    new ProverError(ProverErrorCode.SpanIndexCorrupt, `span index of ${contentRoot.toString(16)}: ${why}`);
  if (file.length < HEADER_BYTES || !Buffer.from(file.subarray(0, 8)).equals(MAGIC))
    throw corrupt("not a span index");
  // Copied (a Buffer's slice would not copy) when misaligned, so every array below can view it.
  const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== VERSION)
    throw corrupt(`version ${view.getUint32(8, true)}, expected ${VERSION}`);
  const n = view.getUint32(12, true);
  const m = view.getUint32(16, true);
  const at = layout(n, m);
  if (bytes.length !== at.end) throw corrupt(`${bytes.length} bytes where the header says ${at.end}`);
  if (BigInt(`0x${Buffer.from(bytes.subarray(24, 56)).toString("hex")}`) !== contentRoot) {
    throw corrupt("the file was written for another contentRoot");
  }
  const digest = createHash("sha256").update(bytes.subarray(HEADER_BYTES)).digest();
  if (!digest.equals(bytes.subarray(56, 88))) throw corrupt("its body does not match its digest");
  const base = bytes.byteOffset;
  return {
    tokens: new Uint16Array(bytes.buffer, base + at.tokens, n),
    suffixes: new Uint32Array(bytes.buffer, base + at.suffixes, n),
    documentStarts: new Uint32Array(bytes.buffer, base + at.starts, m),
    documentHashes: bytes.subarray(at.hashes, at.end),
  };
}

/** Written beside and renamed into place, so a reader never sees half a file. */
export async function writeIndexFile(
  path: string,
  contentRoot: Field,
  index: ContributionIndex,
): Promise<void> {
  await writeFile(`${path}.tmp`, encodeIndexFile(contentRoot, index));
  await rename(`${path}.tmp`, path);
}

export async function readIndexFile(path: string, contentRoot: Field): Promise<ContributionIndex> {
  return decodeIndexFile(contentRoot, await readFile(path));
}
