/**
 * Suffix array of a token stream by SA-IS (Nong, Zhang & Chan 2009): linear time over an
 * integer alphabet, so a contribution of a few hundred thousand u16 tokens sorts in well under
 * a second, where a comparison sort of its suffixes is O(n log n) comparisons of unbounded
 * length (repeated boilerplate makes them long).
 */
export function suffixArray(tokens: Uint16Array): Uint32Array {
  const n = tokens.length;
  // Shifted by one so that 0 is free for the sentinel SA-IS needs: unique and smallest, so a
  // suffix that is a prefix of another sorts first.
  const text = new Int32Array(n + 1);
  let top = 0;
  for (let i = 0; i < n; i++) {
    text[i] = tokens[i]! + 1;
    if (text[i]! > top) top = text[i]!;
  }
  const sa = new Int32Array(n + 1);
  sais(text, sa, n + 1, top + 1);
  // sa[0] is the sentinel's own suffix.
  return Uint32Array.from(sa.subarray(1));
}

/** Bucket starts (or ends) of each character of `text[0..n)`. */
function buckets(text: Int32Array, n: number, k: number, ends: boolean): Int32Array {
  const b = new Int32Array(k);
  for (let i = 0; i < n; i++) b[text[i]!]!++;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    sum += b[c]!;
    b[c] = ends ? sum : sum - b[c]!;
  }
  return b;
}

/** Induces L-type then S-type suffixes from the seeded LMS ones. */
function induce(text: Int32Array, sa: Int32Array, sType: Uint8Array, n: number, k: number): void {
  let b = buckets(text, n, k, false);
  for (let i = 0; i < n; i++) {
    const j = sa[i]! - 1;
    if (j >= 0 && sType[j] === 0) sa[b[text[j]!]!++] = j;
  }
  b = buckets(text, n, k, true);
  for (let i = n - 1; i >= 0; i--) {
    const j = sa[i]! - 1;
    if (j >= 0 && sType[j] === 1) sa[--b[text[j]!]!] = j;
  }
}

/** SA-IS proper: `text[n-1]` is 0 and occurs nowhere else; characters lie in [0, k). */
function sais(text: Int32Array, sa: Int32Array, n: number, k: number): void {
  const sType = new Uint8Array(n);
  sType[n - 1] = 1;
  for (let i = n - 2; i >= 0; i--) {
    sType[i] = text[i]! < text[i + 1]! || (text[i] === text[i + 1] && sType[i + 1] === 1) ? 1 : 0;
  }
  const isLms = (i: number) => i > 0 && sType[i] === 1 && sType[i - 1] === 0;

  // Stage 1: sort the LMS substrings by one induced pass from their bucket ends.
  sa.fill(-1, 0, n);
  let b = buckets(text, n, k, true);
  for (let i = 1; i < n; i++) if (isLms(i)) sa[--b[text[i]!]!] = i;
  induce(text, sa, sType, n, k);

  let n1 = 0;
  for (let i = 0; i < n; i++) if (isLms(sa[i]!)) sa[n1++] = sa[i]!;

  // Name them: equal LMS substrings (same characters and types up to the next LMS) share a name.
  sa.fill(-1, n1, n);
  let names = 0;
  let prev = -1;
  for (let i = 0; i < n1; i++) {
    const pos = sa[i]!;
    let differs = false;
    for (let d = 0; d < n; d++) {
      if (prev === -1 || text[pos + d] !== text[prev + d] || sType[pos + d] !== sType[prev + d]) {
        differs = true;
        break;
      }
      if (d > 0 && (isLms(pos + d) || isLms(prev + d))) break;
    }
    if (differs) {
      names++;
      prev = pos;
    }
    // LMS positions are at least two apart, so pos/2 slots never collide.
    sa[n1 + (pos >> 1)] = names - 1;
  }
  for (let i = n - 1, j = n - 1; i >= n1; i--) if (sa[i]! >= 0) sa[j--] = sa[i]!;

  // Stage 2: sort the reduced string, recursively while names repeat.
  const reduced = sa.subarray(n - n1, n);
  const sa1 = sa.subarray(0, n1);
  if (names < n1) sais(reduced, sa1, n1, names);
  else for (let i = 0; i < n1; i++) sa1[reduced[i]!] = i;

  // Stage 3: place the sorted LMS suffixes at their bucket ends and induce the rest.
  for (let i = 1, j = 0; i < n; i++) if (isLms(i)) reduced[j++] = i;
  for (let i = 0; i < n1; i++) sa1[i] = reduced[sa1[i]!]!;
  sa.fill(-1, n1, n);
  b = buckets(text, n, k, true);
  for (let i = n1 - 1; i >= 0; i--) {
    const j = sa[i]!;
    sa[i] = -1;
    sa[--b[text[j]!]!] = j;
  }
  induce(text, sa, sType, n, k);
}
