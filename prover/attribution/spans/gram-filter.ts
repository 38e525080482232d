import { END_TOKEN } from "../../../protocol/text/tokenizer.ts";

/**
 * A Bloom filter of every END-free run of `length` tokens in a model's streams, 8 bits per
 * run and 3 probes (about 3% false positives). The span rule asks it first at each position:
 * most positions of an output start no span, and "not in the filter" settles that without a
 * binary search in every contribution. It has no false negatives, so it changes no result,
 * only the time; it lives in memory beside the index (about 1 byte a token), never on disk.
 */
export class GramFilter {
  private constructor(
    readonly length: number,
    private readonly bits: Uint32Array,
    private readonly mask: number,
  ) {}

  static build(streams: readonly Uint16Array[], length: number): GramFilter {
    const runs = streams.reduce((n, s) => n + s.length, 0);
    let size = 32;
    while (size < runs * 8 && size < 2 ** 31) size *= 2;
    const filter = new GramFilter(length, new Uint32Array(size / 32), size - 1);
    for (const s of streams) {
      // `clean` counts the END-free tokens ending at i, so a run is inserted only when whole.
      let clean = 0;
      for (let i = 0; i < s.length; i++) {
        clean = s[i] === END_TOKEN ? 0 : clean + 1;
        if (clean >= length) filter.add(s, i + 1 - length);
      }
    }
    return filter;
  }

  /** False only if `tokens[q..q+length)` is no run of the streams. */
  mayHold(tokens: Uint16Array, q: number): boolean {
    this.hash(tokens, q);
    for (let k = 0; k < 3; k++) {
      const bit = (this.h1 + Math.imul(k, this.h2)) & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  private add(tokens: Uint16Array, q: number): void {
    this.hash(tokens, q);
    for (let k = 0; k < 3; k++) {
      const bit = (this.h1 + Math.imul(k, this.h2)) & this.mask;
      this.bits[bit >>> 5] = this.bits[bit >>> 5]! | (1 << (bit & 31));
    }
  }

  // The last run's two hashes: kept in fields, as returning a pair would allocate per position.
  private h1 = 0;
  private h2 = 0;

  /** Two 32-bit multiplicative hashes of the run; probes are h1 + k·h2 (Kirsch–Mitzenmacher). */
  private hash(tokens: Uint16Array, q: number): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x27d4eb2f;
    for (let j = 0; j < this.length; j++) {
      const t = tokens[q + j]!;
      h1 = Math.imul(h1 ^ t, 0x01000193);
      h2 = Math.imul(h2 + t, 0x9e3779b1) ^ (h2 >>> 15);
    }
    this.h1 = (h1 ^ (h1 >>> 16)) >>> 0;
    this.h2 = (h2 | 1) >>> 0;
  }
}
