import type { Domain } from "../protocol/domain.ts";
import { fieldToHex } from "../protocol/field.ts";
import { decodeInput, decodeOutput, ioHash, outputBytes } from "../protocol/provenance/inference.ts";
import { decodeRecord, type InferenceRecord } from "../protocol/provenance/inference-record.ts";
import { attestationDigest, recoverAttester } from "../protocol/provenance/operator-attestation.ts";
import type { Mlp } from "../prover/models/mlp.ts";
import { checkOutput } from "./check.ts";

/**
 * What a governance slash of a compute operator cites (docs/inference.md, "Operators"): the
 * stored record the operator signed, the EIP-712 digest of its L1 attestation, and the output
 * hash a re-run of the model gives. Self-contained: with the model's bytes (fetched by
 * modelHash) anyone can check it again with checkEvidence.
 */
export interface SlashEvidence {
  readonly inference: number;
  readonly chainId: string;
  readonly rollup: string;
  readonly model: number;
  readonly modelHash: string;
  readonly featureCommitment: string;
  /** The stored record (protocol/provenance/inference-record.ts), 0x-hex. */
  readonly record: string;
  /** The L1 address that signed the attestation. */
  readonly operator: string;
  /** The EIP-712 digest the operator signed: the slash event's evidence reference. */
  readonly attestation: string;
  /** The output hash the operator attested (and the user paid for). */
  readonly outputHash: string;
  /** ioHash of the reference forward pass's output, rounded to float32. */
  readonly recomputedOutputHash: string;
  readonly maxDiff: number;
}

const txHashOf = (r: InferenceRecord) => BigInt(`0x${Buffer.from(r.txHash).toString("hex")}`);

/** The evidence against the operator that signed `record`, whose output the re-run rejects. */
export function buildEvidence(o: {
  domain: Domain;
  inference: number;
  modelHash: string;
  featureCommitment: bigint;
  record: Uint8Array;
  mlp: Mlp;
}): SlashEvidence {
  const r = decodeRecord(o.record);
  const outputHash = ioHash(r.output);
  const check = checkOutput(o.mlp, decodeInput(r.input), decodeOutput(r.output));
  return {
    inference: o.inference,
    chainId: o.domain.chainId.toString(),
    rollup: o.domain.rollup,
    model: r.model,
    modelHash: o.modelHash,
    featureCommitment: fieldToHex(o.featureCommitment),
    record: `0x${Buffer.from(o.record).toString("hex")}`,
    operator: r.operatorL1.signer,
    attestation: attestationDigest(o.domain, {
      txHash: txHashOf(r),
      model: r.model,
      outputHash,
      featureCommitment: o.featureCommitment,
    }),
    outputHash: fieldToHex(outputHash),
    recomputedOutputHash: fieldToHex(ioHash(outputBytes(Float32Array.from(check.reference)))),
    maxDiff: check.maxDiff,
  };
}

/**
 * The problems with evidence `e`, given the model its modelHash names (the caller checks the
 * bytes hash to it); empty when it stands: the record's L1 attestation is the named operator's
 * signature over the digest cited, its output hashes to the attested outputHash, and a re-run
 * of the model on its input disagrees with that output.
 */
export function checkEvidence(e: SlashEvidence, mlp: Mlp): string[] {
  let r: InferenceRecord;
  try {
    r = decodeRecord(Buffer.from(e.record.replace(/^0x/, ""), "hex"));
  } catch {
    return ["the record does not decode"];
  }
  const problems: string[] = [];
  const domain = { chainId: BigInt(e.chainId), rollup: e.rollup };
  const outputHash = ioHash(r.output);
  if (r.model !== e.model) problems.push(`the record is of model ${r.model}, not ${e.model}`);
  if (fieldToHex(outputHash) !== e.outputHash)
    problems.push("the record's output does not hash to outputHash");
  const attested = {
    txHash: txHashOf(r),
    model: r.model,
    outputHash,
    featureCommitment: BigInt(e.featureCommitment),
  };
  if (attestationDigest(domain, attested) !== e.attestation) {
    problems.push("the attestation digest is not the one the record gives");
  }
  const signer = recoverAttester(domain, attested, r.operatorL1.signature);
  if (!signer || signer.toLowerCase() !== e.operator.toLowerCase()) {
    problems.push(`the record's L1 attestation is not signed by ${e.operator}`);
  }
  const check = checkOutput(mlp, decodeInput(r.input), decodeOutput(r.output));
  if (check.ok) problems.push("a re-run agrees with the attested output: nothing to slash");
  if (fieldToHex(ioHash(outputBytes(Float32Array.from(check.reference)))) !== e.recomputedOutputHash) {
    problems.push("recomputedOutputHash is not the re-run's");
  }
  return problems;
}
