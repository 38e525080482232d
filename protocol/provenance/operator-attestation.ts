import {
  computeAddress,
  getAddress,
  recoverAddress,
  Signature,
  type SigningKey,
  TypedDataEncoder,
} from "ethers";
import type { Domain } from "../domain.ts";
import { type Field, fieldToHex } from "../field.ts";

/**
 * The compute operator's L1 attestation of an inference it served (docs/inference.md,
 * "Operators"): an EIP-712 signature by the secp256k1 key of its bonded L1 address, so a
 * wrong output is evidence against that bond. The domain binds the chain id and the rollup
 * contract; the message binds the paid transaction (its hash binds the user, nonce, model,
 * inputHash and payment, and is unique per inference), the output hash and the feature
 * commitment. It sits beside the L2-key attestation (inference.ts), which stays what the
 * user and the prover check.
 */
export interface OperatorAttestation {
  /** The operator's L1 address (checksummed). */
  readonly signer: string;
  /** 65-byte r ‖ s ‖ v signature, 0x-hex. */
  readonly signature: string;
}

export interface AttestedInference {
  readonly txHash: Field;
  readonly model: number;
  readonly outputHash: Field;
  readonly featureCommitment: Field;
}

export const ATTESTATION_TYPES = {
  InferenceAttestation: [
    { name: "txHash", type: "bytes32" },
    { name: "model", type: "uint32" },
    { name: "outputHash", type: "bytes32" },
    { name: "featureCommitment", type: "bytes32" },
  ],
};

export function attestationDomain(domain: Domain) {
  return {
    name: "OpenLedger inference",
    version: "1",
    chainId: domain.chainId,
    verifyingContract: getAddress(domain.rollup),
  };
}

const message = (a: AttestedInference) => ({
  txHash: fieldToHex(a.txHash),
  model: a.model,
  outputHash: fieldToHex(a.outputHash),
  featureCommitment: fieldToHex(a.featureCommitment),
});

/** The EIP-712 digest the operator signs: what a slash cites as the attested record. */
export function attestationDigest(domain: Domain, a: AttestedInference): string {
  return TypedDataEncoder.hash(attestationDomain(domain), ATTESTATION_TYPES, message(a));
}

export function signOperatorAttestation(
  key: SigningKey,
  domain: Domain,
  a: AttestedInference,
): OperatorAttestation {
  return {
    signer: computeAddress(key.publicKey),
    signature: key.sign(attestationDigest(domain, a)).serialized,
  };
}

/** The address that signed `a` over this inference; undefined for a malformed signature. */
export function recoverAttester(domain: Domain, a: AttestedInference, signature: string): string | undefined {
  try {
    return recoverAddress(attestationDigest(domain, a), Signature.from(signature));
  } catch {
    return undefined;
  }
}

/** True iff `att` is its named signer's signature over this inference. */
export function verifyOperatorAttestation(
  domain: Domain,
  a: AttestedInference,
  att: OperatorAttestation,
): boolean {
  const signer = recoverAttester(domain, a, att.signature);
  return signer !== undefined && signer.toLowerCase() === att.signer.toLowerCase();
}
