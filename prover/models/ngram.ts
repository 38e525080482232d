import { ProverError, ProverErrorCode } from "../errors.ts";

/**
 * An n-gram language model over token ids with longest-suffix backoff (the ∞-gram rule of
 * Liu et al. 2024, capped at `order`): the next-token distribution is the one that followed
 * the longest suffix of the context, of at most `order - 1` tokens, seen in training; the
 * empty context (unigrams) always matches. Counting is exact and visits nothing at random,
 * so the same streams give the same tables, bit for bit (docs/inference.md "Text models").
 */

/** Longest context: 5 tokens pack into two int64 words of the ONNX tables (3 tokens a word). */
export const MAX_ORDER = 6;
export const MAX_TOP_K = 64;
/** Tokens packed into one int64 key word: 3 × 16 bits stays below 2^53, exact in JS too. */
export const TOKENS_PER_WORD = 3;

export interface NgramConfig {
  /** n: contexts of up to n - 1 tokens. */
  readonly order: number;
  /** Continuations kept per context, most frequent first. */
  readonly topK: number;
}

/** The contexts of one length, sorted, each with its continuations' range in the shared arrays. */
export interface NgramLevel {
  readonly contextLength: number;
  /**
   * M contexts × contextLength tokens, row-major, each written most recent token first and
   * sorted lexicographically so: the contexts ending in one token are one run of rows.
   */
  readonly contexts: Uint16Array;
  /** M + 1 entries: context i's continuations are [offsets[i], offsets[i+1]). */
  readonly offsets: Uint32Array;
}

export interface NgramTables extends NgramConfig {
  /** The unigram continuations are [0, unigrams). */
  readonly unigrams: number;
  /** Context lengths 1 … order - 1. */
  readonly levels: readonly NgramLevel[];
  /** Every context's top continuations: count descending, then token id ascending. */
  readonly tokens: Uint16Array;
  /** count(context, token) / count(context), as float32. */
  readonly probs: Float32Array;
}

/** The model's answer for one context: its continuations and the context length that matched. */
export interface NextTokens {
  readonly tokens: readonly number[];
  readonly probs: readonly number[];
  readonly contextLength: number;
}

/** What `openledger model train` makes of a text Datanet unless told otherwise. */
export const DEFAULT_NGRAM: NgramConfig = { order: 6, topK: 8 };

export function checkNgramConfig(c: NgramConfig): void {
  if (!Number.isInteger(c.order) || c.order < 2 || c.order > MAX_ORDER)
    throw new ProverError(
      ProverErrorCode.InvalidTraining,
      `n-gram order must be an integer in [2, ${MAX_ORDER}]`,
    );
  if (!Number.isInteger(c.topK) || c.topK < 1 || c.topK > MAX_TOP_K)
    throw new ProverError(ProverErrorCode.InvalidTraining, `topK must be an integer in [1, ${MAX_TOP_K}]`);
}

/** Growable typed output of the continuations. */
class Continuations {
  tokens: number[] = [];
  probs: number[] = [];

  /** Appends the top-K of (token, count) runs, count descending then token ascending. */
  add(runs: Array<[token: number, count: number]>, total: number, topK: number): void {
    runs.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (const [token, count] of runs.slice(0, topK)) {
      this.tokens.push(token);
      this.probs.push(Math.fround(count / total));
    }
  }
}

/**
 * Counts every (context, next token) of each stream (contexts never cross from one stream
 * into another; inside a stream they may hold END, the start of the next document) and
 * keeps each context's top-K continuations.
 */
export function trainNgram(streams: readonly Uint16Array[], config: NgramConfig): NgramTables {
  checkNgramConfig(config);
  const total = streams.reduce((n, s) => n + s.length, 0);
  if (total === 0)
    throw new ProverError(ProverErrorCode.InvalidTraining, "an n-gram model needs at least one token");
  const out = new Continuations();

  const unigram = new Map<number, number>();
  for (const s of streams) for (const t of s) unigram.set(t, (unigram.get(t) ?? 0) + 1);
  out.add([...unigram], total, config.topK);
  const unigrams = out.tokens.length;

  const levels: NgramLevel[] = [];
  for (let k = 1; k < config.order; k++) levels.push(countLevel(streams, k, config.topK, out));
  return {
    ...config,
    unigrams,
    levels,
    tokens: Uint16Array.from(out.tokens),
    probs: Float32Array.from(out.probs),
  };
}

/** Sorts every position by (its k-token context, its token), then reads off the runs. */
function countLevel(
  streams: readonly Uint16Array[],
  k: number,
  topK: number,
  out: Continuations,
): NgramLevel {
  const at: Array<[stream: Uint16Array, i: number]> = [];
  for (const s of streams) for (let i = k; i < s.length; i++) at.push([s, i]);
  // The context most recent token first, then the next token.
  const compare = ([a, i]: [Uint16Array, number], [b, j]: [Uint16Array, number]) => {
    for (let d = 1; d <= k; d++) {
      const diff = a[i - d]! - b[j - d]!;
      if (diff !== 0) return diff;
    }
    return a[i]! - b[j]!;
  };
  at.sort(compare);
  const contexts: number[] = [];
  const offsets: number[] = [];
  let g = 0;
  while (g < at.length) {
    // The group of positions sharing a context: runs of equal next tokens inside it.
    const [s0, i0] = at[g]!;
    let end = g + 1;
    while (end < at.length && sameContext(at[end]!, s0, i0, k)) end++;
    const runs: Array<[number, number]> = [];
    for (let r = g; r < end; r++) {
      const [s, i] = at[r]!;
      const last = runs[runs.length - 1];
      if (last && last[0] === s[i]) last[1]++;
      else runs.push([s[i]!, 1]);
    }
    for (let d = 1; d <= k; d++) contexts.push(s0[i0 - d]!);
    offsets.push(out.tokens.length);
    out.add(runs, end - g, topK);
    g = end;
  }
  offsets.push(out.tokens.length);
  return { contextLength: k, contexts: Uint16Array.from(contexts), offsets: Uint32Array.from(offsets) };
}

function sameContext([s, i]: [Uint16Array, number], s0: Uint16Array, i0: number, k: number): boolean {
  for (let d = -k; d < 0; d++) if (s[i + d] !== s0[i0 + d]) return false;
  return true;
}

/**
 * The trainer's reference prediction (the twin the ONNX graph must agree with): the
 * continuations of the longest suffix of `history` (at most order - 1 tokens) that is a
 * known context, found by binary search.
 */
export function referenceNext(t: NgramTables, history: ArrayLike<number>): NextTokens {
  for (let k = Math.min(t.order - 1, history.length); k >= 1; k--) {
    const level = t.levels[k - 1]!;
    const i = findContext(level, history);
    if (i >= 0) return slice(t, level.offsets[i]!, level.offsets[i + 1]!, k);
  }
  return slice(t, 0, t.unigrams, 0);
}

function slice(t: NgramTables, start: number, end: number, contextLength: number): NextTokens {
  return {
    tokens: Array.from(t.tokens.subarray(start, end)),
    probs: Array.from(t.probs.subarray(start, end)),
    contextLength,
  };
}

/** The row of history's last contextLength tokens (stored most recent first), or -1. */
function findContext(level: NgramLevel, history: ArrayLike<number>): number {
  const k = level.contextLength;
  const last = history.length - 1;
  let lo = 0;
  let hi = level.offsets.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    let diff = 0;
    for (let d = 0; d < k && diff === 0; d++) diff = level.contexts[mid * k + d]! - history[last - d]!;
    if (diff === 0) return mid;
    if (diff < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
