import { describe, expect, it } from "vitest";
import { decodeFloat40, encodeFloat40, isFloat40 } from "./float40.ts";

describe("float40", () => {
  it("round-trips representable amounts with one encoding each", () => {
    for (const v of [
      0n,
      1n,
      10n,
      10n ** 18n,
      123_456n * 10n ** 15n,
      (1n << 35n) - 1n,
      ((1n << 35n) - 1n) * 10n ** 31n,
    ]) {
      const f = encodeFloat40(v);
      expect(f < 1n << 40n).toBe(true);
      expect(decodeFloat40(f)).toBe(v);
    }
    expect(encodeFloat40(10n ** 18n)).toBe((18n << 35n) | 1n);
  });

  it("refuses amounts with too many significant digits", () => {
    expect(isFloat40(1n << 35n)).toBe(false); // 2^35 has no factor 10 and exceeds the mantissa
    expect(isFloat40((1n << 35n) * 10n)).toBe(false);
    expect(isFloat40(10n ** 18n + 1n)).toBe(false);
    expect(() => encodeFloat40(123_456_789_012n)).toThrow(/10 significant digits/);
  });
});
