/** Spans between a contribution's token stream and an output, and their pieces (docs/protocol.md §12.4). */
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { CHUNK_TOKENS, PAD_TOKEN } from "./text-root.ts";
import { END_TOKEN } from "./tokenizer.ts";

/**
 * A span (docs/protocol.md §12.4) of one contribution in one output: the output holds at
 * offset `q` the `length` tokens the contribution's stream holds at offset `p`.
 */
export interface Span {
  readonly p: number;
  readonly q: number;
  readonly length: number;
}

/** The most tokens one piece proves: its window reads two chunks from an offset below 16. */
export const PIECE_TOKENS = CHUNK_TOKENS;

/** Which check of the span circuit a span or a piece fails: the vectors name it, the tests find it. */
export type SpanCheck = "range" | "opening" | "equality" | "boundary" | "order" | "slots";

export function spanError(check: SpanCheck, message: string): OpenLedgerError {
  return new OpenLedgerError(ErrorCode.InvalidSpan, message, { check });
}

/** A span cut into consecutive pieces of at most 16 tokens (§12.4). */
export function spanPieces(span: Span): Span[] {
  const out: Span[] = [];
  for (let at = 0; at < span.length; at += PIECE_TOKENS) {
    out.push({ p: span.p + at, q: span.q + at, length: Math.min(PIECE_TOKENS, span.length - at) });
  }
  return out;
}

/** The reason `span` does not hold between the two streams, or undefined when it does. */
export function spanFault(
  content: ArrayLike<number>,
  output: ArrayLike<number>,
  span: Span,
): { check: SpanCheck; message: string } | undefined {
  const { p, q, length } = span;
  if (![p, q, length].every(Number.isSafeInteger) || p < 0 || q < 0 || length < 1) {
    return {
      check: "range",
      message: `a span needs offsets >= 0 and a length >= 1, got (${p}, ${q}, ${length})`,
    };
  }
  if (p + length > content.length || q + length > output.length) {
    return {
      check: "range",
      message: `span (${p}, ${q}, ${length}) runs past the contribution's ${content.length} or the output's ${output.length} tokens`,
    };
  }
  for (let i = 0; i < length; i++) {
    const [c, o] = [content[p + i]!, output[q + i]!];
    if (c !== o) {
      return {
        check: "equality",
        message: `span (${p}, ${q}, ${length}): token ${i} is ${c} in the contribution, ${o} in the output`,
      };
    }
    if (c === END_TOKEN || c === PAD_TOKEN) {
      return {
        check: "boundary",
        message: `span (${p}, ${q}, ${length}): token ${i} is ${c === END_TOKEN ? "END" : "PAD"}`,
      };
    }
  }
  return undefined;
}

/** Throws INVALID_SPAN, naming the check, unless `span` holds (§12.4). */
export function checkSpan(content: ArrayLike<number>, output: ArrayLike<number>, span: Span): void {
  const fault = spanFault(content, output, span);
  if (fault) throw spanError(fault.check, fault.message);
}
