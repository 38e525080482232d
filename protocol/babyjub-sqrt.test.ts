import { describe, expect, it } from "vitest";
import { Point, sqrt, sqrtRatio } from "./babyjub.ts";
import { FIELD_MODULUS } from "./field.ts";

describe("BN254 scalar-field square root", () => {
  it("finds a root of every square and none of non-residues, as noble's does", () => {
    const Fp = Point.Fp;
    let x = 0x1234567890abcdefn;
    let residues = 0;
    for (let i = 0; i < 300; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) % FIELD_MODULUS;
      const r = sqrt(x);
      const isSquare = Fp.eql(Fp.pow(x, (FIELD_MODULUS - 1n) / 2n), Fp.ONE);
      expect(r !== undefined).toBe(isSquare);
      if (r !== undefined) {
        residues++;
        expect((r * r) % FIELD_MODULUS).toBe(x);
        expect(sqrt((x * x) % FIELD_MODULUS)).toSatisfy((s: bigint) => s === x || s === FIELD_MODULUS - x);
      }
    }
    // Half of the field is squares: both branches ran many times.
    expect(residues).toBeGreaterThan(100);
    expect(residues).toBeLessThan(200);
    expect([sqrt(0n), sqrt(1n)]).toEqual([0n, 1n]);
  });

  it("finds a root of u/v exactly when u/v is a square, without inverting v", () => {
    const Fp = Point.Fp;
    let x = 0xfedcba9876543210n;
    const next = () => (x = (x * 6364136223846793005n + 1442695040888963407n) % FIELD_MODULUS);
    let residues = 0;
    for (let i = 0; i < 200; i++) {
      const u = next();
      const v = next() || 1n;
      const r = sqrtRatio(u, v);
      const isSquare = Fp.eql(Fp.pow(Fp.div(u, v), (FIELD_MODULUS - 1n) / 2n), Fp.ONE);
      expect(r !== undefined).toBe(isSquare);
      if (r !== undefined) {
        residues++;
        expect((((r * r) % FIELD_MODULUS) * v) % FIELD_MODULUS).toBe(u);
      }
    }
    expect(residues).toBeGreaterThan(60);
    expect(residues).toBeLessThan(140);
    expect(sqrtRatio(0n, 5n)).toBe(0n);
  });
});
