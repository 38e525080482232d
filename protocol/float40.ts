import { ErrorCode, OpenLedgerError } from "./errors.ts";

/**
 * Amounts in batch data take 5 bytes instead of 12: value = m · 10^e with a 35-bit mantissa m
 * and a 5-bit exponent e, packed as (e << 35) | m (as Hermez does). An amount that has no such
 * form is refused at submission. The encoder picks the largest exponent, so each amount has
 * one encoding.
 */
const MANTISSA_BITS = 35n;
const MAX_MANTISSA = (1n << MANTISSA_BITS) - 1n;
const MAX_EXPONENT = 31n;

export function encodeFloat40(value: bigint): bigint {
  if (value < 0n) throw new OpenLedgerError(ErrorCode.InvalidField, "amount is negative");
  let m = value;
  let e = 0n;
  while (m !== 0n && m % 10n === 0n && e < MAX_EXPONENT) {
    m /= 10n;
    e++;
  }
  if (m > MAX_MANTISSA) {
    throw new OpenLedgerError(
      ErrorCode.InvalidField,
      `amount ${value} is not m·10^e with m < 2^35: round it to at most 10 significant digits`,
    );
  }
  return (e << MANTISSA_BITS) | m;
}

export function decodeFloat40(packed: bigint): bigint {
  if (packed < 0n || packed >= 1n << 40n)
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, "float40 out of range");
  return (packed & MAX_MANTISSA) * 10n ** (packed >> MANTISSA_BITS);
}

export function isFloat40(value: bigint): boolean {
  try {
    encodeFloat40(value);
    return true;
  } catch {
    return false;
  }
}
