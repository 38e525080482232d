import { END_TOKEN } from "../../../protocol/text/tokenizer.ts";
import { ProverError, ProverErrorCode } from "../../errors.ts";
import type { AttributionResult } from "../types.ts";
import { documentAt } from "./contribution-index.ts";
import { longestMatch, occurs } from "./longest-match.ts";
import type { ModelSpanIndex } from "./model-index.ts";
import { SPAN_PARAMS, type SpanParams } from "./params.ts";

/** A credited span of L tokens is worth L · 2^32 units, the engine's score scale (§4). */
export const SPAN_SCALE = 1n << 32n;

/**
 * What the span circuit checks for one credited span and contribution (docs/protocol.md
 * §12.4): the contribution's stream holds at offset `p` the `length` output tokens at `q`.
 */
export interface SpanWitness {
  readonly contribution: bigint;
  readonly p: number;
  readonly q: number;
  readonly length: number;
}

export interface CreditedSpan {
  readonly q: number;
  readonly length: number;
  /** Counted documents that hold the span, over all contributions: it is split among them. */
  readonly documents: number;
  /** Units each of those documents earns: floor(length · SPAN_SCALE / documents). */
  readonly share: bigint;
  /** One per contribution holding it, in training order, at its first counted occurrence. */
  readonly witnesses: readonly SpanWitness[];
}

/** The engine's result with the spans behind it; `rows` are the model's documents. */
export interface SpanAttributionResult extends AttributionResult {
  readonly method: "spanMatch";
  readonly spans: readonly CreditedSpan[];
}

/**
 * Span attribution of one output (docs/attribution.md §11): greedy leftmost-longest spans.
 * At position i take the longest L such that output[i..i+L) occurs in a contribution (never
 * across END); if L ≥ minSpan it is credited and the scan moves to i + L, else to i + 1.
 * A pure function of the index and the output: same inputs, same scores and witnesses.
 */
export function spanAttribution(
  model: ModelSpanIndex,
  output: Uint16Array,
  params: SpanParams = SPAN_PARAMS,
): SpanAttributionResult {
  if (!Number.isInteger(params.minSpan) || params.minSpan < 1) {
    throw new ProverError(
      ProverErrorCode.InvalidAttribution,
      `minSpan must be a positive integer, got ${params.minSpan}`,
    );
  }
  const rows = new BigInt64Array(model.documents);
  const spans: CreditedSpan[] = [];
  const { minSpan } = params;
  for (let i = 0; i < output.length;) {
    // L ≥ minSpan exactly when the minSpan tokens at i occur somewhere without END: test that
    // first, and measure the longest match only in the contributions that pass.
    const end = output.subarray(i, i + minSpan).indexOf(END_TOKEN);
    if (i + minSpan > output.length || end >= 0) {
      i += end >= 0 ? end + 1 : 1;
      continue;
    }
    if (model.grams.length === minSpan && !model.grams.mayHold(output, i)) {
      i++;
      continue;
    }
    let length = 0;
    for (const { index } of model.contributions) {
      if (occurs(index, output, i, minSpan)) length = Math.max(length, longestMatch(index, output, i).length);
    }
    if (length < minSpan) {
      i++;
      continue;
    }
    const span = creditSpan(model, output, i, length);
    for (const d of span.credited) rows[d] = rows[d]! + span.span.share;
    spans.push(span.span);
    i += length;
  }
  const contributions = model.contributions.map(({ id }, c) => {
    const first = model.firstDocument[c]!;
    const counted = model.counted[c]!;
    let payable = 0n;
    for (let d = 0; d < counted.length; d++) payable += rows[first + d]!;
    return { id, payable, negative: 0n, duplicates: counted.length - counted.reduce((n, x) => n + x, 0) };
  });
  return { method: "spanMatch", rows, contributions, spans };
}

/** The counted documents holding output[q..q+length), each contribution's witness, the share. */
function creditSpan(
  model: ModelSpanIndex,
  output: Uint16Array,
  q: number,
  length: number,
): { span: CreditedSpan; credited: number[] } {
  const credited: number[] = [];
  const witnesses: SpanWitness[] = [];
  model.contributions.forEach(({ id, index }, c) => {
    const match = longestMatch(index, output, q, length);
    if (match.length < length) return;
    const documents = new Set<number>();
    let p = Infinity;
    for (let k = match.lo; k < match.hi; k++) {
      const at = index.suffixes[k]!;
      const d = documentAt(index, at);
      if (model.counted[c]![d] === 0) continue;
      documents.add(d);
      p = Math.min(p, at);
    }
    if (documents.size === 0) return;
    for (const d of [...documents].sort((a, b) => a - b)) credited.push(model.firstDocument[c]! + d);
    witnesses.push({ contribution: id, p, q, length });
  });
  // A duplicate document's original comes earlier in the same order and is counted, so a
  // span found anywhere is found in some counted document.
  if (credited.length === 0) throw new Error(`span at ${q} of ${length} tokens found in no counted document`);
  // The remainder of the division is credited to no one: any rule giving it to a document
  // would let a split across identities move it (§11.4).
  const share = (BigInt(length) * SPAN_SCALE) / BigInt(credited.length);
  return { span: { q, length, documents: credited.length, share, witnesses }, credited };
}
