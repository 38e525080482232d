import { describe, expect, it } from "vitest";
import { FIELD_MODULUS } from "../../protocol/field.ts";
import { OpenLedgerError } from "../../protocol/errors.ts";
import { attribute, METHODS } from "./engine.ts";
import { fieldToSigned, MAX_MAGNITUDE, quantize, scoreBytes, signedToField } from "./fixed-point.ts";
import { irisFixture, testInput } from "./test-fixtures.ts";

describe("fixed point", () => {
  it("rounds half to even at the scale and saturates", () => {
    expect(quantize(1.5 / 2 ** 16, 16)).toBe(2);
    expect(quantize(2.5 / 2 ** 16, 16)).toBe(2);
    expect(quantize(-2.5 / 2 ** 16, 16)).toBe(-2);
    expect(quantize(-3.5 / 2 ** 16, 16)).toBe(-4);
    expect(quantize(0.1, 32)).toBe(429496730);
    expect(quantize(-0.1, 32)).toBe(-429496730);
    expect(quantize(1e300, 32)).toBe(MAX_MAGNITUDE);
    expect(quantize(Number.NEGATIVE_INFINITY, 16)).toBe(-MAX_MAGNITUDE);
    expect(() => quantize(Number.NaN, 16)).toThrow(OpenLedgerError);
  });

  it("encodes negatives in the field as p - |x| and back", () => {
    expect(signedToField(-1n)).toBe(FIELD_MODULUS - 1n);
    expect(signedToField(5)).toBe(5n);
    for (const v of [0n, 1n, -1n, -(2n ** 52n), 2n ** 52n]) expect(fieldToSigned(signedToField(v))).toBe(v);
  });
});

describe("determinism", () => {
  it("gives the same bytes for the same inputs, from independently built copies", () => {
    const a = irisFixture();
    const b = irisFixture();
    expect(b.model.bytes).toEqual(a.model.bytes);
    for (const method of METHODS) {
      const x = testInput(a.test, 7);
      const ra = attribute(method, a.model.bytes, a.rows, { x }, { permutations: 20 });
      const rb = attribute(method, b.model.bytes, b.rows, { x: x.slice() }, { permutations: 20 });
      expect(scoreBytes(rb.rows)).toEqual(scoreBytes(ra.rows));
      expect(rb.contributions).toEqual(ra.contributions);
      expect(ra.rows.some((v) => v !== 0n)).toBe(true);
    }
  });
});
