/**
 * Exact KNN-Shapley (Jia et al., 2019, "Efficient task-specific data valuation for nearest
 * neighbor algorithms", Theorem 1). Utility of a set S for one test point (x, y):
 * U(S) = (1/K) * #{ of the min(K, |S|) nearest points of S, those labelled y }.
 * With the training points sorted by distance a_1..a_N (ties: earlier row first):
 *   s(a_N) = [y(a_N) = y] / N
 *   s(a_i) = s(a_{i+1}) + ([y(a_i) = y] - [y(a_{i+1}) = y]) / K * min(K, i) / i
 * which are the Shapley values of U, in O(N log N) instead of O(2^N).
 */
import { type SimdRows, simdRows } from "./simd-dots.ts";

export interface KnnInput {
  readonly dim: number;
  /** n x dim training embeddings. */
  readonly f: Float64Array;
  readonly y: Int32Array;
  /** Squared norm of every row (see `knnInput`). */
  readonly norms: Float64Array;
  /** The rows in WebAssembly SIMD memory, when that gives the same numbers (simd-dots.ts). */
  readonly simd: SimdRows | null;
}

export function knnInput(dim: number, f: Float64Array, y: Int32Array): KnnInput {
  const n = y.length;
  const norms = new Float64Array(n);
  for (let r = 0; r < n; r++) norms[r] = dotRow(f, r * dim, f.subarray(r * dim, (r + 1) * dim), dim);
  return { dim, f, y, norms, simd: simdRows(f, n, dim) };
}

/**
 * Squared Euclidean distances |f_r|^2 - 2 <f_r, t> + |t|^2, clamped at 0. Expanding the
 * square reads each embedding once with one multiply-add per coordinate (the inner loop is
 * memory-bound); the fixed evaluation order keeps replays bit-identical.
 */
export function squaredDistances(
  input: KnnInput,
  t: Float64Array,
  out = new Float64Array(input.y.length),
): Float64Array {
  const { dim, f, norms } = input;
  const tt = dotRow(t, 0, t, dim);
  if (input.simd) {
    const dots = input.simd.dots(t);
    for (let r = 0; r < out.length; r++) {
      const d = norms[r]! - 2 * dots[r]! + tt;
      out[r] = d > 0 ? d : 0;
    }
    return out;
  }
  const tail = dim - (dim % 4);
  for (let r = 0; r < out.length; r++) {
    // dotRow inlined by hand: this loop is the whole cost of KNN-Shapley at 60,000 rows.
    const base = r * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < tail; j += 4) {
      s0 += f[base + j]! * t[j]!;
      s1 += f[base + j + 1]! * t[j + 1]!;
      s2 += f[base + j + 2]! * t[j + 2]!;
      s3 += f[base + j + 3]! * t[j + 3]!;
    }
    for (let j = tail; j < dim; j++) s0 += f[base + j]! * t[j]!;
    const d = norms[r]! - 2 * (s0 + s1 + (s2 + s3)) + tt;
    out[r] = d > 0 ? d : 0;
  }
  return out;
}

/** <f[base .. base + dim), t> with four partial sums (j mod 4) to keep the pipeline busy. */
function dotRow(f: Float64Array, base: number, t: Float64Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const tail = dim - (dim % 4);
  for (let j = 0; j < tail; j += 4) {
    s0 += f[base + j]! * t[j]!;
    s1 += f[base + j + 1]! * t[j + 1]!;
    s2 += f[base + j + 2]! * t[j + 2]!;
    s3 += f[base + j + 3]! * t[j + 3]!;
  }
  for (let j = tail; j < dim; j++) s0 += f[base + j]! * t[j]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Row indices by increasing distance, ties by index. Non-negative doubles order like their
 * bit patterns, so: a stable LSD radix sort on the high 32 bits (three 11-bit passes, whose
 * counts stay in L1 cache), then the rare runs with equal high words are finished by
 * insertion on the low word. About 3x faster than a comparison sort at 60,000 rows.
 */
export function orderByDistance(dist: Float64Array): Uint32Array {
  const n = dist.length;
  const words = new Uint32Array(dist.buffer, dist.byteOffset, n * 2);
  let idx = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const counts = new Uint32Array(3 * 2048);
  // Little-endian: word 2i holds the low half of dist[i], word 2i + 1 the high half.
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1]!;
    counts[hi & 0x7ff]!++;
    counts[2048 + ((hi >>> 11) & 0x7ff)]!++;
    counts[4096 + (hi >>> 22)]!++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const shift = pass * 11;
    const base = pass * 2048;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[base + d]!;
      counts[base + d] = sum;
      sum += c;
    }
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      tmp[counts[base + ((words[2 * i + 1]! >>> shift) & 0x7ff)]!++] = i;
    }
    [idx, tmp] = [tmp, idx];
  }
  for (let start = 0; start < n;) {
    const hi = words[2 * idx[start]! + 1]!;
    let end = start + 1;
    while (end < n && words[2 * idx[end]! + 1] === hi) end++;
    if (end - start > 1) sortRunByLowWord(idx, words, start, end);
    start = end;
  }
  return idx;
}

/** Insertion sort of idx[start, end) by (low word, index); runs are short. */
function sortRunByLowWord(idx: Uint32Array, words: Uint32Array, start: number, end: number): void {
  for (let a = start + 1; a < end; a++) {
    const i = idx[a]!;
    const lo = words[2 * i]!;
    let b = a - 1;
    while (b >= start && (words[2 * idx[b]!]! > lo || (words[2 * idx[b]!] === lo && idx[b]! > i))) {
      idx[b + 1] = idx[b]!;
      b--;
    }
    idx[b + 1] = i;
  }
}

/** The exact KNN-Shapley value of every training row for one labelled test point. */
export function knnShapley(input: KnnInput, t: Float64Array, label: number, k: number): Float64Array {
  const n = input.y.length;
  const values = new Float64Array(n);
  if (n === 0) return values;
  const order = orderByDistance(squaredDistances(input, t));
  const hit = new Uint8Array(n);
  for (let r = 0; r < n; r++) hit[r] = input.y[order[r]!] === label ? 1 : 0;
  let next = hit[n - 1]! / n;
  values[order[n - 1]!] = next;
  for (let i = n - 1; i >= 1; i--) {
    // 1-based rank i is 0-based index i - 1; equal neighbours add exactly 0.
    const step = hit[i - 1]! - hit[i]!;
    if (step !== 0) next += (step / k) * (Math.min(k, i) / i);
    values[order[i - 1]!] = next;
  }
  return values;
}

/** The utility U(S) above, for a set given as row indices. */
export function knnUtility(
  input: KnnInput,
  t: Float64Array,
  label: number,
  k: number,
  subset: readonly number[],
): number {
  if (subset.length === 0) return 0;
  const dist = squaredDistances(input, t);
  const sorted = [...subset].sort((a, b) => dist[a]! - dist[b]! || a - b);
  let hits = 0;
  for (const r of sorted.slice(0, k)) if (input.y[r] === label) hits++;
  return hits / k;
}
