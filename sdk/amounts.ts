import { formatUnits, parseUnits } from "ethers";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";

/** OPEN has 18 decimals: 1 OPEN is 10^18 base units (wei), on L1 and on L2 alike. */
export const OPEN_DECIMALS = 18;

export interface AmountFormat {
  /** The text is (or should be) in base units rather than OPEN. */
  readonly wei?: boolean;
}

/**
 * An amount a person typed: OPEN with up to 18 decimals ("1.5"), or base units with `wei`.
 * `what` names the option in the error, which says how to write it.
 */
export function parseAmount(text: string, what: string, f: AmountFormat = {}): bigint {
  const t = text.trim();
  const ok = f.wei ? /^[0-9]+$/.test(t) : /^[0-9]*\.?[0-9]+$|^[0-9]+\.$/.test(t);
  if (ok) {
    try {
      return f.wei ? BigInt(t) : parseUnits(t, OPEN_DECIMALS);
    } catch {
      // More than 18 decimals: reported below.
    }
  }
  throw new OpenLedgerError(
    ErrorCode.InvalidField,
    f.wei
      ? `${what} "${text}" is not a whole number of base units (drop --wei to give OPEN, e.g. 1.5)`
      : `${what} "${text}" is not an amount of OPEN: write it like 1.5 (at most ${OPEN_DECIMALS} decimals), or pass --wei for base units`,
  );
}

/** An amount as a person reads it: "1.5 OPEN", or base units with `wei`. */
export function formatAmount(units: bigint, f: AmountFormat = {}): string {
  return f.wei ? units.toString() : `${formatOpen(units)} OPEN`;
}

/** OPEN without a trailing ".0": "25", "1.5", "0.000000000000000001". */
export function formatOpen(units: bigint): string {
  const s = formatUnits(units, OPEN_DECIMALS);
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}
