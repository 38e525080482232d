import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { BASE8, mulBase, Point, SUBGROUP_ORDER, toAffine, verifyEquation } from "../babyjub.ts";
import { FIELD_MODULUS as P } from "../field.ts";
import { POSEIDON_MAX_INPUTS, poseidon } from "../poseidon.ts";
import { alloc, E, get, put, putScalar, wasm } from "./module.ts";

// poseidon-lite is an independent, plain-round implementation of circomlib's Poseidon.
const lite = createRequire(import.meta.url)("poseidon-lite") as Record<string, (x: bigint[]) => bigint>;

/** Deterministic pseudo-random integers below `bound` (64-bit LCG, four draws each). */
function rng(seed: number) {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n + 0x632be59bd9b4e019n;
  return (bound: bigint) => {
    let v = 0n;
    for (let k = 0; k < 4; k++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      v = (v << 64n) | x;
    }
    return v % bound;
  };
}

const mod = (x: bigint) => ((x % P) + P) % P;
const EDGES = [0n, 1n, 2n, P - 1n, P - 2n, (P - 1n) / 2n, 1n << 253n];

describe("WebAssembly Fr arithmetic equals BigInt arithmetic mod p", () => {
  const [a, b, r, one] = [alloc(E), alloc(E), alloc(E), alloc(E)];
  put(one, 1n);
  const vec = [alloc(17 * E), alloc(17 * E)] as const;
  const exps = alloc(32);

  it("multiplies, squares, adds, subtracts and compares random and edge values", () => {
    const rand = rng(1);
    const values = [...EDGES, ...Array.from({ length: 200 }, () => rand(P))];
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      const y = values[(i * 7 + 3) % values.length]!;
      put(a, x);
      put(b, y);
      expect(get(a)).toBe(x);
      wasm.fr_mul(a, b, r);
      expect(get(r)).toBe(mod(x * y));
      wasm.fr_square(a, r);
      expect(get(r)).toBe(mod(x * x));
      // mulAdd may leave up to 3p: a multiplication by 1 brings it below 2p to read it.
      wasm.fr_mulAdd(a, b, a, r);
      wasm.fr_mul(r, one, r);
      expect(get(r)).toBe(mod(x * y + x));
      wasm.fr_add(a, b, r);
      expect(get(r)).toBe(mod(x + y));
      wasm.fr_sub(a, b, r);
      expect(get(r)).toBe(mod(x - y));
      expect(wasm.fr_eq(a, b)).toBe(x === y ? 1 : 0);
      // Results stay "almost reduced" (below 2p): feed them back in, in place.
      wasm.fr_add(a, a, a);
      wasm.fr_sub(a, b, a);
      wasm.fr_mul(a, a, a);
      wasm.fr_square(a, a);
      expect(get(a)).toBe(mod(mod(2n * x - y) ** 4n));
    }
  });

  it("computes dot products of 1 to 17 terms with one reduction", () => {
    const rand = rng(2);
    for (let n = 1; n <= 17; n++) {
      for (let trial = 0; trial < 6; trial++) {
        const xs = Array.from({ length: n }, (_, i) => (trial === 0 ? P - 1n - BigInt(i) : rand(P)));
        const ys = Array.from({ length: n }, () => (trial === 0 ? P - 1n : rand(P)));
        xs.forEach((x, i) => put(vec[0] + i * E, x));
        ys.forEach((y, i) => put(vec[1] + i * E, y));
        wasm.fr_dot(vec[0], vec[1], n, r);
        expect(get(r)).toBe(mod(xs.reduce((acc, x, i) => acc + x * ys[i]!, 0n)));
      }
    }
  });

  it("raises to 256-bit powers", () => {
    const rand = rng(3);
    for (let i = 0; i < 20; i++) {
      const x = rand(P);
      const e = i === 0 ? P - 2n : rand(1n << 256n);
      put(a, x);
      putScalar(exps, e);
      wasm.fr_pow(a, exps, r);
      let want = 1n;
      for (let k = e, base = x; k > 0n; k >>= 1n, base = mod(base * base))
        if (k & 1n) want = mod(want * base);
      expect(get(r)).toBe(want);
    }
  });

  it("reads any integer in mod p", () => {
    for (const x of [P, P + 5n, 2n * P + 1n, -1n, (1n << 256n) - 1n]) {
      put(a, x);
      expect(get(a)).toBe(mod(x));
    }
  });
});

describe("WebAssembly Poseidon", () => {
  it("equals poseidon-lite on 40 random inputs for every arity", () => {
    const rand = rng(4);
    for (let n = 1; n <= POSEIDON_MAX_INPUTS; n++) {
      for (let k = 0; k < 40; k++) {
        const inputs = Array.from({ length: n }, () => rand(P));
        expect(poseidon(inputs)).toBe(lite[`poseidon${n}`]!(inputs));
      }
    }
  });
});

describe("WebAssembly BabyJubJub verification equation", () => {
  const B = Point.fromAffine(BASE8);
  /** A random key A and R8 = S·Base8 - h·(8·A): the equation holds. */
  function instance(rand: (b: bigint) => bigint) {
    const A = B.multiply(rand(SUBGROUP_ORDER - 1n) + 1n);
    const S = rand(SUBGROUP_ORDER - 1n) + 1n;
    const h = rand(SUBGROUP_ORDER - 1n) + 1n;
    return { A: toAffine(A), S, h, R8: toAffine(B.multiply(S).subtract(A.multiply(8n).multiply(h))) };
  }

  it("holds exactly when S·Base8 = R8 + h·(8·A), with and without a key's comb table", () => {
    const rand = rng(5);
    for (let i = 0; i < 8; i++) {
      const { A, S, h, R8 } = instance(rand);
      // Uses 1-2 take the doubling chain; from the third on the key has a comb table.
      for (let use = 0; use < 4; use++) {
        expect(verifyEquation(S, h, A, R8)).toBe(true);
        expect(verifyEquation(S, (h + 1n) % SUBGROUP_ORDER, A, R8)).toBe(false);
        expect(verifyEquation((S + 1n) % SUBGROUP_ORDER, h, A, R8)).toBe(false);
        expect(verifyEquation(S, h, A, toAffine(Point.fromAffine(R8).double()))).toBe(false);
      }
    }
  });

  it("refuses points off the curve and agrees with noble on unrelated points", () => {
    const rand = rng(6);
    const { A, S, h, R8 } = instance(rand);
    expect(verifyEquation(S, h, { x: A.x, y: A.y + 1n }, R8)).toBe(false);
    expect(verifyEquation(S, h, A, { x: R8.x + 1n, y: R8.y })).toBe(false);
    for (let i = 0; i < 6; i++) {
      const other = instance(rand);
      const noble = B.multiply(S).equals(
        Point.fromAffine(other.R8).add(Point.fromAffine(A).multiply(8n).multiply(h)),
      );
      expect(verifyEquation(S, h, A, other.R8)).toBe(noble);
    }
  });

  it("multiplies Base8 by any 256-bit scalar as noble does (signing's nonce point)", () => {
    const rand = rng(7);
    const edges = [
      0n,
      1n,
      15n,
      16n,
      SUBGROUP_ORDER - 1n,
      SUBGROUP_ORDER,
      SUBGROUP_ORDER + 1n,
      (1n << 256n) - 1n,
    ];
    const randoms = Array.from({ length: 24 }, () => rand(1n << 256n));
    for (const s of [...edges, ...randoms]) {
      const r = s % SUBGROUP_ORDER;
      expect(mulBase(s)).toEqual(r === 0n ? { x: 0n, y: 1n } : toAffine(B.multiply(r)));
    }
  });
});
