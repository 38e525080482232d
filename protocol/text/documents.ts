import { hash } from "node:crypto";
import { DatanetError, DatanetErrorCode } from "../datanet/metadata.ts";

/**
 * A text contribution's documents as bytes (docs/protocol.md §12.2): what the store encrypts
 * as a documents blob and what a reader decrypts. Each document is
 *
 *   byteLength u32 (big-endian, ≥ 1) ‖ the UTF-8 bytes of its NFC form
 *
 * back to back, in file order. NFC because the tokenizer normalises to NFC anyway: two
 * spellings of the same characters are one document, with one document hash, and a reader
 * refuses any other form so a contribution's bytes are unique.
 */
export const MAX_DOCUMENT_BYTES = 0xffffffff;

const invalid = (why: string) => new DatanetError(DatanetErrorCode.InvalidDocuments, why);

/** The canonical bytes of one document; INVALID_DOCUMENTS if it is empty. */
export function documentBytes(text: string, name = "a document"): Uint8Array {
  const bytes = Buffer.from(text.normalize("NFC"), "utf8");
  if (bytes.length === 0) throw invalid(`${name} is empty: a document holds at least one character`);
  if (bytes.length > MAX_DOCUMENT_BYTES) throw invalid(`${name} is ${bytes.length} bytes, beyond 2^32 − 1`);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** SHA-256 of a document's canonical bytes: what a Datanet's duplicate index keys it by. */
export function documentHash(canonical: Uint8Array): Uint8Array {
  return new Uint8Array(hash("sha256", canonical, "buffer"));
}

/** One document's framed bytes: its length, then its canonical bytes. */
export function frameDocument(canonical: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + canonical.length);
  new DataView(out.buffer).setUint32(0, canonical.length);
  out.set(canonical, 4);
  return out;
}

/** The documents file of `documents`, in order. */
export function encodeDocuments(documents: readonly string[]): Uint8Array {
  return Buffer.concat(documents.map((d, i) => frameDocument(documentBytes(d, `document ${i}`))));
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The documents of a documents file, refused (INVALID_DOCUMENTS, naming the document) if the
 * framing is cut short, a document is empty, not UTF-8, or not in NFC form.
 */
export function decodeDocuments(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const i = out.length;
    if (at + 4 > bytes.length) throw invalid(`document ${i}: the file ends inside its length`);
    const n = view.getUint32(at);
    at += 4;
    if (n === 0) throw invalid(`document ${i} is empty`);
    if (at + n > bytes.length)
      throw invalid(`document ${i}: ${n} bytes announced, ${bytes.length - at} left`);
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(at, at + n));
    } catch {
      throw invalid(`document ${i} is not UTF-8`);
    }
    if (text.normalize("NFC") !== text) throw invalid(`document ${i} is not in NFC form`);
    out.push(text);
    at += n;
  }
  return out;
}
