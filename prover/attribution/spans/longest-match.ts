import { END_TOKEN } from "../../../protocol/text/tokenizer.ts";
import type { ContributionIndex } from "./contribution-index.ts";

/** The suffixes `suffixes[lo..hi)` of an index all start with the `length` tokens matched. */
export interface Match {
  readonly length: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * The longest prefix of `output[q..)`, at most `maxLength` tokens, that occurs in the
 * contribution's stream, with the range of suffixes that start with it. It stops before an
 * END of the output, so a match never holds END and thus never crosses a document boundary
 * of the stream. Each token narrows the range by two binary searches: O(L log n).
 */
export function longestMatch(
  index: ContributionIndex,
  output: Uint16Array,
  q: number,
  maxLength = Infinity,
): Match {
  const { tokens, suffixes } = index;
  const n = tokens.length;
  // A suffix shorter than the depth sorts before every token: -1.
  const at = (k: number, depth: number) => {
    const p = suffixes[k]! + depth;
    return p < n ? tokens[p]! : -1;
  };
  let lo = 0;
  let hi = suffixes.length;
  let length = 0;
  while (length < maxLength && q + length < output.length) {
    const c = output[q + length]!;
    if (c === END_TOKEN) break;
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (at(mid, length) < c) a = mid + 1;
      else b = mid;
    }
    const first = a;
    b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (at(mid, length) <= c) a = mid + 1;
      else b = mid;
    }
    if (first === a) break;
    lo = first;
    hi = a;
    length++;
  }
  return { length, lo, hi };
}

/**
 * Whether the `length` tokens of `output` at `q` occur in the stream: one binary search
 * comparing whole prefixes, about log2(n) probes where longestMatch makes two per token.
 * It is the test the span rule runs at every position, so most of its time goes here.
 */
export function occurs(index: ContributionIndex, output: Uint16Array, q: number, length: number): boolean {
  const { tokens, suffixes } = index;
  const n = tokens.length;
  // Sign of (suffix at p) − pattern over the pattern's length; 0 when the suffix starts with it.
  const compare = (p: number) => {
    for (let j = 0; j < length; j++) {
      const a = p + j < n ? tokens[p + j]! : -1;
      const b = output[q + j]!;
      if (a !== b) return a < b ? -1 : 1;
    }
    return 0;
  };
  let a = 0;
  let b = suffixes.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (compare(suffixes[mid]!) < 0) a = mid + 1;
    else b = mid;
  }
  return a < suffixes.length && compare(suffixes[a]!) === 0;
}
