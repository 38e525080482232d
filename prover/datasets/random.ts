import { sha256 } from "@noble/hashes/sha2.js";

/**
 * Seeded pseudo-random numbers (xoshiro128**), so that every split, label flip and weight
 * initialisation is reproducible from a string seed. Not for secrets.
 */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

export function createRng(seed: string): Rng {
  // The seed's SHA-256 fills the 128-bit state; a zero state cannot come out of it in practice.
  const digest = sha256(new TextEncoder().encode(seed));
  const view = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
  const s = new Uint32Array([view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)]);
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const nextUint32 = (): number => {
    const result = (rotl(Math.imul(s[1]!, 5) >>> 0, 7) * 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
  const next = () => nextUint32() / 2 ** 32;
  return {
    nextUint32,
    next,
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32)
        throw new RangeError(`int(n) needs 0 < n <= 2^32, got ${n}`);
      // Rejection sampling removes the modulo bias.
      const limit = 2 ** 32 - (2 ** 32 % n);
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % n;
      }
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
