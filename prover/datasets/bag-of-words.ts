/**
 * Hashed bag-of-words ("hashing trick"): each lower-cased alphanumeric token lands in bucket
 * FNV-1a(token) mod dim; counts are damped with log1p and the vector scaled to unit length,
 * so long emails do not dominate distances.
 */
export function hashedBagOfWords(text: string, dim: number): Float64Array {
  const v = new Float64Array(dim);
  for (const token of text.toLowerCase().match(/[a-z0-9]{2,}/g) ?? []) {
    v[fnv1a(token) % dim]! += 1;
  }
  let norm = 0;
  for (let j = 0; j < dim; j++) {
    v[j] = Math.log1p(v[j]!);
    norm += v[j]! * v[j]!;
  }
  if (norm > 0) for (let j = 0; j < dim; j++) v[j] = v[j]! / Math.sqrt(norm);
  return v;
}

/** 32-bit FNV-1a over UTF-16 code units (tokens here are ASCII). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
