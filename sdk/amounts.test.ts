import { describe, expect, it } from "vitest";
import { OpenLedgerError } from "../protocol/errors.ts";
import { formatAmount, formatOpen, parseAmount } from "./amounts.ts";

const OPEN = 10n ** 18n;

describe("amounts in OPEN and base units", () => {
  it("parses OPEN with decimals, and base units only with wei", () => {
    expect(parseAmount("1.5", "--amount")).toBe(15n * 10n ** 17n);
    expect(parseAmount("25", "--amount")).toBe(25n * OPEN);
    expect(parseAmount(".5", "--amount")).toBe(OPEN / 2n);
    expect(parseAmount("0.000000000000000001", "--amount")).toBe(1n);
    expect(parseAmount("0", "--fee")).toBe(0n);
    expect(parseAmount("25000000000000000000", "--amount", { wei: true })).toBe(25n * OPEN);
  });

  it("refuses what is not an amount and says how to write one", () => {
    const refused = (text: string, wei = false) => {
      try {
        parseAmount(text, "--amount", { wei });
      } catch (e) {
        expect(e).toBeInstanceOf(OpenLedgerError);
        expect((e as OpenLedgerError).code).toBe("INVALID_FIELD");
        return (e as Error).message;
      }
      throw new Error(`"${text}" was accepted`);
    };
    expect(refused("abc")).toMatch(/--amount "abc" is not an amount of OPEN: write it like 1.5.*--wei/);
    expect(refused("-1")).toMatch(/not an amount of OPEN/);
    expect(refused("1e18")).toMatch(/not an amount of OPEN/);
    // 19 decimals is below one base unit.
    expect(refused("0.0000000000000000001")).toMatch(/at most 18 decimals/);
    expect(refused("1.5", true)).toMatch(/not a whole number of base units \(drop --wei/);
  });

  it("prints OPEN without trailing zeros, base units with wei", () => {
    expect(formatOpen(25n * OPEN)).toBe("25");
    expect(formatOpen(15n * 10n ** 17n)).toBe("1.5");
    expect(formatOpen(1n)).toBe("0.000000000000000001");
    expect(formatOpen(0n)).toBe("0");
    expect(formatAmount(25n * OPEN)).toBe("25 OPEN");
    expect(formatAmount(25n * OPEN, { wei: true })).toBe("25000000000000000000");
  });
});
