import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { textRoot } from "../text/text-root.ts";

/**
 * What a text model's inference commits to (docs/protocol.md §12.3, docs/inference.md "Text
 * models"): inputHash is textRoot of the prompt's tokens and outputHash textRoot of the
 * generated tokens (END, which ends generation, excluded). The stored record's canonical
 * bytes, big-endian:
 *
 *   input:  maxTokens u32 ‖ count u32 ‖ count × token u16
 *   output: count u32 ‖ count × token u16
 *
 * maxTokens travels with the prompt so a replay generates exactly as far as the node did.
 */
export interface TextInput {
  readonly prompt: Uint16Array;
  readonly maxTokens: number;
}

export function textInputBytes(i: TextInput): Uint8Array {
  const out = new Uint8Array(8 + 2 * i.prompt.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, i.maxTokens);
  writeTokens(view, 4, i.prompt);
  return out;
}

export function decodeTextInput(bytes: Uint8Array): TextInput {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw bad("text input");
  return { maxTokens: view.getUint32(0), prompt: readTokens(view, 4, "text input") };
}

export function textOutputBytes(tokens: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 2 * tokens.length);
  writeTokens(new DataView(out.buffer), 0, tokens);
  return out;
}

export function decodeTextOutput(bytes: Uint8Array): Uint16Array {
  return readTokens(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, "text output");
}

/** inputHash of a text inference's stored input: textRoot of its prompt. */
export function textInputHash(bytes: Uint8Array): Field {
  return textRoot(decodeTextInput(bytes).prompt);
}

/** outputHash of a text inference's stored output: textRoot of its tokens. */
export function textOutputHash(bytes: Uint8Array): Field {
  return textRoot(decodeTextOutput(bytes));
}

function writeTokens(view: DataView, at: number, tokens: ArrayLike<number>): void {
  view.setUint32(at, tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!Number.isInteger(t) || t < 0 || t > 0xffff)
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `token ${i} is not a u16: ${t}`);
    view.setUint16(at + 4 + 2 * i, t);
  }
}

function readTokens(view: DataView, at: number, what: string): Uint16Array {
  const count = view.getUint32(at);
  if (view.byteLength !== at + 4 + 2 * count) throw bad(what);
  return Uint16Array.from({ length: count }, (_, i) => view.getUint16(at + 4 + 2 * i));
}

const bad = (what: string) =>
  new OpenLedgerError(ErrorCode.InvalidEncoding, `not the canonical bytes of a ${what}`);
