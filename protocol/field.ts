import { ErrorCode, OpenLedgerError } from "./errors.ts";

/** Order of BN254's scalar field: every hash, tree node and circuit signal lives below it. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export type Field = bigint;

export function isField(x: unknown): x is Field {
  return typeof x === "bigint" && x >= 0n && x < FIELD_MODULUS;
}

/** Checks that `x` is a canonical field element; `what` names it in the error. */
export function toField(x: bigint | number | string, what = "value"): Field {
  let v: bigint;
  try {
    v = BigInt(x);
  } catch {
    throw new OpenLedgerError(ErrorCode.InvalidField, `${what} is not an integer: ${String(x)}`);
  }
  if (v < 0n || v >= FIELD_MODULUS) {
    throw new OpenLedgerError(ErrorCode.InvalidField, `${what} is outside the BN254 scalar field`);
  }
  return v;
}

/** Unsigned integer of `bits` bits; the protocol's amounts, nonces and ids are all such. */
export function checkUint(x: bigint, bits: number, what: string): bigint {
  if (typeof x !== "bigint" || x < 0n || x >= 1n << BigInt(bits)) {
    throw new OpenLedgerError(ErrorCode.InvalidField, `${what} must be an unsigned ${bits}-bit integer`);
  }
  return x;
}

export function bytesToBigIntBE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export function bigIntToBytesBE(x: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = x;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n)
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `integer does not fit in ${length} bytes`);
  return out;
}

export function bigIntToBytesLE(x: bigint, length: number): Uint8Array {
  return bigIntToBytesBE(x, length).reverse();
}

/** A short ASCII tag as a field element (big-endian bytes), for domain separation. */
export function tagToField(tag: string): Field {
  if (tag.length > 31) throw new Error("tag too long");
  return bytesToBigIntBE(new TextEncoder().encode(tag));
}

export function fieldToHex(x: Field): string {
  return `0x${x.toString(16).padStart(64, "0")}`;
}
