import { bytesToBigIntBE } from "../field.ts";
import { poseidon, poseidonList } from "../poseidon.ts";
import { dataElements } from "./encoding.ts";
import { BLS_MODULUS } from "./fr.ts";

/**
 * The batch circuit's side of the blob equivalence (docs/protocol.md section 8.2). L1 checks
 * with the point-evaluation precompile that the blob it saw evaluates to y at z; the circuit
 * checks that the data it executed, read as coefficients, evaluates to the same y at the same
 * z. z hashes the blob's versioned hash with a hash of the circuit's data, so it is fixed only
 * once both polynomials are: two different polynomials of degree < 4096 then agree at z with
 * probability below 2^-240 (Schwartz-Zippel).
 */

/** poseidonList of the elements: the circuit's hash of its data. */
export function blobDataHash(elements: readonly bigint[]): bigint {
  return poseidonList(elements);
}

/** z = Poseidon(vh_hi, vh_lo, dataHash), the versioned hash split into 128-bit halves; z < BN254's p < r. */
export function blobChallenge(versionedHash: Uint8Array, dataHash: bigint): bigint {
  if (versionedHash.length !== 32) throw new RangeError("a versioned hash is 32 bytes");
  const hi = bytesToBigIntBE(versionedHash.subarray(0, 16));
  const lo = bytesToBigIntBE(versionedHash.subarray(16));
  return poseidon([hi, lo, dataHash]);
}

/** Σ elements[j]·z^j mod BLS_MODULUS, by Horner from the last element, as the circuit does. */
export function evaluateCoefficients(elements: readonly bigint[], z: bigint): bigint {
  let acc = 0n;
  for (let j = elements.length - 1; j >= 0; j--) acc = (acc * z + elements[j]!) % BLS_MODULUS;
  return acc;
}

/** What commitBatch checks with the precompile and the commitment folds (section 8.2). */
export interface BlobOpening {
  readonly versionedHash: Uint8Array;
  readonly z: bigint;
  readonly y: bigint;
}

/** The opening of the blob holding `data` whose versioned hash is `versionedHash`. */
export function blobOpening(data: Uint8Array, versionedHash: Uint8Array): BlobOpening {
  const elements = dataElements(data);
  const z = blobChallenge(versionedHash, blobDataHash(elements));
  return { versionedHash, z, y: evaluateCoefficients(elements, z) };
}
