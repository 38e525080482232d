import { hash } from "node:crypto";
import { packPoint, unpackPoint } from "../babyjub.ts";
import { type Domain, domainHash } from "../domain.ts";
import { type PrivateKey, type PublicKey, signMessage, verifySignature } from "../eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { type Field, tagToField } from "../field.ts";
import { VECTOR_BITS } from "../fixed-point.ts";
import { poseidon } from "../poseidon.ts";
import { decodeSignature, encodeSignature } from "../tx/codec.ts";
import { digestToField, encodeFeatures } from "./rows.ts";

/**
 * What an inference transaction's inputHash and outputHash commit to, and the operator's
 * attestation (docs/protocol.md §10). The input is quantized as training rows are, so the
 * attribution engine values the very numbers the user paid for; the output is the float32
 * probabilities the operator returned, bit for bit, because float32 kernels differ between
 * machines in the last bits and a re-run can only check them within a tolerance.
 */

/** Canonical bytes of an input: `dim u32 ‖ dim × q(x) int64`, big-endian, q at 2^16. */
export function inputBytes(x: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + x.length * 8);
  encodeFeatures(x, new DataView(out.buffer), 0);
  return out;
}

/** The values an input's canonical bytes stand for, q / 2^16: what the model is run on. */
export function decodeInput(bytes: Uint8Array): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dim = bytes.length >= 4 ? view.getUint32(0) : -1;
  if (dim < 0 || bytes.length !== 4 + dim * 8) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, "input bytes are not dim u32 ‖ dim × int64");
  }
  return Float64Array.from({ length: dim }, (_, j) => Number(view.getBigInt64(4 + j * 8)) / 2 ** VECTOR_BITS);
}

/** Canonical bytes of an output: `classes u32 ‖ classes × float32`, big-endian IEEE 754. */
export function outputBytes(probs: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + probs.length * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, probs.length);
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k]!;
    // A float64 that is not a float32 would be rounded here, and the hash would then bind a
    // value other than the one handed out: refuse it instead.
    if (!Number.isFinite(p) || Math.fround(p) !== p) {
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `output ${k} is not a finite float32: ${p}`);
    }
    view.setFloat32(4 + k * 4, p);
  }
  return out;
}

export function decodeOutput(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const classes = bytes.length >= 4 ? view.getUint32(0) : -1;
  if (classes < 0 || bytes.length !== 4 + classes * 4) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      "output bytes are not classes u32 ‖ classes × float32",
    );
  }
  return Float32Array.from({ length: classes }, (_, k) => view.getFloat32(4 + k * 4));
}

/** SHA-256 of canonical bytes, big-endian, mod r: inputHash of inputBytes, outputHash of outputBytes. */
export function ioHash(canonical: Uint8Array): Field {
  return digestToField(new Uint8Array(hash("sha256", canonical, "buffer")));
}

export const ATTESTATION_TAG = tagToField("openledger.attest.v1");

/**
 * What an operator signs for an inference it served: Poseidon(tag, domainHash, txHash,
 * outputHash, featureCommitment). The domain and the transaction hash (which binds the
 * user, nonce, model, inputHash and payment) pin it to one paid inference on one chain.
 */
export function attestationMessage(
  domain: Domain,
  txHash: Field,
  outputHash: Field,
  featureCommitment: Field,
): Field {
  return poseidon([ATTESTATION_TAG, domainHash(domain), txHash, outputHash, featureCommitment]);
}

/** An operator's attestation as it travels: its packed public key and the signature, hex. */
export interface Attestation {
  readonly operator: string;
  readonly signature: string;
}

export function signAttestation(sk: PrivateKey, operator: PublicKey, message: Field): Attestation {
  return {
    operator: Buffer.from(packPoint(operator)).toString("hex"),
    signature: Buffer.from(encodeSignature(signMessage(sk, message))).toString("hex"),
  };
}

/** True iff `a` is the signature of `message` by the key it names; false on malformed input. */
export function verifyAttestation(a: Attestation, message: Field): boolean {
  try {
    const pub = unpackPoint(Buffer.from(a.operator, "hex"));
    return verifySignature(message, decodeSignature(Buffer.from(a.signature, "hex")), pub);
  } catch {
    return false;
  }
}
