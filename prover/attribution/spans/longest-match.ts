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
  let a = 0;
  let b = suffixes.length;
  // Lower bound of the pattern among the suffixes; the comparison is inlined (a hot loop).
  while (a < b) {
    const mid = (a + b) >>> 1;
    const p = suffixes[mid]!;
    let less = false;
    for (let j = 0; j < length; j++) {
      const t = p + j < n ? tokens[p + j]! : -1;
      const o = output[q + j]!;
      if (t !== o) {
        less = t < o;
        break;
      }
    }
    if (less) a = mid + 1;
    else b = mid;
  }
  if (a === suffixes.length) return false;
  const p = suffixes[a]!;
  if (p + length > n) return false;
  for (let j = 0; j < length; j++) if (tokens[p + j] !== output[q + j]) return false;
  return true;
}
