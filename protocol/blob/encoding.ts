import { bytesToBigIntBE, bigIntToBytesBE } from "../field.ts";
import { BLOB_ELEMENTS, blsFr } from "./fr.ts";

/**
 * Batch data as an EIP-4844 blob (docs/protocol.md section 8.2). The data is cut into 31-byte
 * elements (big-endian, the last one zero-padded on the right), so every element is below both
 * BN254's and BLS12-381's scalar moduli. The elements are the *coefficients* of the blob's
 * polynomial P; the blob holds P's evaluations at the 4096th roots of unity in bit-reversed
 * order, as EIP-4844 defines them. Coefficient form makes the circuit's evaluation of P at
 * the challenge a Horner scheme over the data alone, one non-native multiplication per element.
 */
export const BYTES_PER_ELEMENT = 31;
export const BLOB_BYTES = BLOB_ELEMENTS * 32;

export function dataElements(data: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let o = 0; o < data.length; o += BYTES_PER_ELEMENT) {
    const chunk = new Uint8Array(BYTES_PER_ELEMENT);
    chunk.set(data.subarray(o, o + BYTES_PER_ELEMENT));
    out.push(bytesToBigIntBE(chunk));
  }
  return out;
}

export function dataFromElements(elements: readonly bigint[], length: number): Uint8Array {
  const out = new Uint8Array(elements.length * BYTES_PER_ELEMENT);
  elements.forEach((e, i) => out.set(bigIntToBytesBE(e, BYTES_PER_ELEMENT), i * BYTES_PER_ELEMENT));
  return out.slice(0, length);
}

/** The blob whose polynomial has `elements` as coefficients (at most 4096). */
export function blobFromElements(elements: readonly bigint[]): Uint8Array {
  if (elements.length > BLOB_ELEMENTS) throw new RangeError(`${elements.length} elements do not fit a blob`);
  const coefficients = Array.from({ length: BLOB_ELEMENTS }, (_, i) => elements[i] ?? 0n);
  const evaluations = ntt(coefficients, false);
  const blob = new Uint8Array(BLOB_BYTES);
  for (let i = 0; i < BLOB_ELEMENTS; i++) blob.set(bigIntToBytesBE(evaluations[bitReverse(i)]!, 32), 32 * i);
  return blob;
}

/** The coefficients of a blob's polynomial: the inverse of blobFromElements. */
export function elementsFromBlob(blob: Uint8Array): bigint[] {
  if (blob.length !== BLOB_BYTES) throw new RangeError(`a blob is ${BLOB_BYTES} bytes, not ${blob.length}`);
  const evaluations = new Array<bigint>(BLOB_ELEMENTS);
  for (let i = 0; i < BLOB_ELEMENTS; i++) {
    evaluations[bitReverse(i)] = bytesToBigIntBE(blob.subarray(32 * i, 32 * i + 32));
  }
  return ntt(evaluations, true);
}

const LOG_N = 12;

function bitReverse(i: number): number {
  let r = 0;
  for (let b = 0; b < LOG_N; b++) r |= ((i >> b) & 1) << (LOG_N - 1 - b);
  return r;
}

/** Radix-2 number-theoretic transform over BLS12-381's Fr, natural order in and out. */
function ntt(values: readonly bigint[], inverse: boolean): bigint[] {
  const Fr = blsFr;
  const a = values.map((_, i) => values[bitReverse(i)]!);
  const root = inverse ? Fr.inv(ROOT_OF_UNITY) : ROOT_OF_UNITY;
  for (let len = 2; len <= BLOB_ELEMENTS; len <<= 1) {
    const step = Fr.pow(root, BigInt(BLOB_ELEMENTS / len));
    const half = len >> 1;
    const twiddles = [1n];
    for (let k = 1; k < half; k++) twiddles.push(Fr.mul(twiddles[k - 1]!, step));
    for (let start = 0; start < BLOB_ELEMENTS; start += len) {
      for (let k = 0; k < half; k++) {
        const u = a[start + k]!;
        const v = Fr.mul(a[start + k + half]!, twiddles[k]!);
        a[start + k] = Fr.add(u, v);
        a[start + k + half] = Fr.sub(u, v);
      }
    }
  }
  if (!inverse) return a;
  const nInv = Fr.inv(BigInt(BLOB_ELEMENTS));
  return a.map((x) => Fr.mul(x, nInv));
}

/** EIP-4844's primitive root 7 raised to (r - 1) / 4096: a 4096th root of unity. */
const ROOT_OF_UNITY = blsFr.pow(7n, (blsFr.ORDER - 1n) / BigInt(BLOB_ELEMENTS));
