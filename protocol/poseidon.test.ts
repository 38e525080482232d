import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { FIELD_MODULUS } from "./field.ts";
import { POSEIDON_MAX_INPUTS, poseidon, poseidonList } from "./poseidon.ts";

// poseidon-lite is an independent, plain-round implementation of circomlib's Poseidon.
const lite = createRequire(import.meta.url)("poseidon-lite") as Record<string, (x: bigint[]) => bigint>;

/** Deterministic pseudo-random field elements (xorshift), so a failure can be replayed. */
function randomFields(seed: number, n: number): bigint[] {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    let v = 0n;
    for (let k = 0; k < 4; k++) {
      x ^= (x << 13n) & 0xffffffffffffffffn;
      x ^= x >> 7n;
      x ^= (x << 17n) & 0xffffffffffffffffn;
      v = (v << 64n) | x;
    }
    out.push(v % FIELD_MODULUS);
  }
  return out;
}

describe("poseidon", () => {
  it("equals poseidon-lite on random inputs, zeros and p-1 for every arity", () => {
    for (let n = 1; n <= POSEIDON_MAX_INPUTS; n++) {
      const cases = [new Array<bigint>(n).fill(0n), new Array<bigint>(n).fill(FIELD_MODULUS - 1n)];
      for (let seed = 0; seed < 6; seed++) cases.push(randomFields(seed * 100 + n, n));
      for (const inputs of cases) expect(poseidon(inputs)).toBe(lite[`poseidon${n}`]!(inputs));
    }
  });

  it("matches circomlib's published Poseidon(1, 2) vector", () => {
    expect(poseidon([1n, 2n])).toBe(
      7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    );
  });

  it("refuses 0 or more than 16 inputs and chains lists", () => {
    expect(() => poseidon([])).toThrow(RangeError);
    expect(() => poseidon(new Array<bigint>(17).fill(1n))).toThrow(RangeError);
    const items = randomFields(7, 20);
    expect(poseidonList(items)).toBe(poseidon([poseidon([20n, ...items.slice(0, 15)]), ...items.slice(15)]));
  });
});
