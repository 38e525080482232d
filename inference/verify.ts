import type { Domain } from "../protocol/domain.ts";
import { type Field, fieldToHex } from "../protocol/field.ts";
import {
  attestationMessage,
  decodeInput,
  decodeOutput,
  ioHash,
  verifyAttestation,
} from "../protocol/provenance/inference.ts";
import { decodeMlp } from "../prover/models/onnx.ts";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import type { InferenceInfo } from "../sdk/wire.ts";
import type { StoreClient } from "../store/client.ts";
import { fetchByContent, fetchModel } from "../store/fetch-content.ts";
import { checkOutput, inputCommitment, servingContext } from "./check.ts";
import { checkGeneration } from "./verify-text.ts";
import { modelKind } from "../prover/models/kind.ts";
import { textInputHash, textOutputHash } from "../protocol/provenance/text-inference.ts";
import { InferenceError, InferenceErrorCode } from "./errors.ts";
import { encodeRecord, findRecord, type InferenceRecord } from "../protocol/provenance/inference-record.ts";
import { verifyOperatorAttestation } from "../protocol/provenance/operator-attestation.ts";
import { buildEvidence, checkEvidence, type SlashEvidence } from "./evidence.ts";

export interface Verdict {
  readonly inference: number;
  readonly ok: boolean;
  /** Each rule the record broke, in words; empty when ok. */
  readonly problems: string[];
  /** What a slash proposal would cite: the chain's record, the stored one and the re-run. */
  readonly evidence: {
    readonly record: InferenceInfo;
    readonly inputBlob?: string;
    readonly txHash?: string;
    readonly operator?: string;
    readonly attestation?: string;
    readonly output?: number[];
    readonly reference?: number[];
    readonly maxDiff?: number;
    readonly label?: number;
    readonly referenceLabel?: number;
    /** The L1 address that attested the record (its bond answers for it). */
    readonly operatorL1?: string;
  };
  /** When the output is wrong: what a governance slash of the operator's bond cites. */
  readonly slash?: SlashEvidence;
}

/**
 * `openledger serve verify`: re-runs inference `id` from what the chain and the store hold.
 * The model is fetched by its modelHash (bytes checked), the record by its inputHash: a
 * record of this model whose input hashes to inputHash, whose output hashes to outputHash
 * and whose attestations (L2 key and L1 address) verify under the keys it names. Then the
 * output must agree with the reference forward pass (checkOutput) and the feature commitment
 * must be the one the input gives; a wrong output comes with the slash evidence (evidence.ts):
 * whoever signed it answers for it. A model the store cannot give back
 * throws (nothing to judge the operator by); a missing or wrong record is a verdict against
 * the operator, who stored it. A text model's inference is found by textRoots instead and
 * replayed by re-generating its prompt (verify-text.ts).
 */
export async function verifyInference(
  provider: OpenLedgerProvider,
  store: StoreClient,
  domain: Domain,
  id: number,
): Promise<Verdict> {
  const record = await provider.getInference(id);
  if (!record) throw new InferenceError(InferenceErrorCode.UnknownInference, `no inference ${id} on L2`);
  const model = await provider.getModel(record.model as number);
  if (!model)
    throw new InferenceError(InferenceErrorCode.UnknownModel, `no model ${String(record.model)} on L2`);
  const modelBytes = (await fetchModel(store, BigInt(model.modelHash as string))).bytes;
  // A text model's hashes are textRoots of tokens (docs/protocol.md §12.3), a classifier's SHA-256s.
  const text = modelKind(modelBytes) === "ngram";
  const hashInput = text ? textInputHash : ioHash;
  const hashOutput = text ? textOutputHash : ioHash;
  const inputHash = BigInt(record.inputHash as string);
  const outputHash = BigInt(record.outputHash as string);
  const fc = BigInt(record.featureCommitment as string);

  const attested = (r: InferenceRecord) => {
    const txHash = BigInt(`0x${Buffer.from(r.txHash).toString("hex")}`);
    return (
      verifyAttestation(r.attestation, attestationMessage(domain, txHash, outputHash, fc)) &&
      verifyOperatorAttestation(
        domain,
        { txHash, model: r.model, outputHash, featureCommitment: fc },
        r.operatorL1,
      )
    );
  };
  // A record counts only if everything in it is bound by the chain or the operator's
  // signature: anyone may upload a blob under this inputHash and grant it to the verifier,
  // and a forged output or attestation must not stand in for the operator's record.
  const bound = (r: InferenceRecord) =>
    r.model === record.model && hashOutput(r.output) === outputHash && attested(r);
  const matches = (bytes: Uint8Array): Field =>
    findRecord(bytes, inputHash, bound, hashInput) ? inputHash : -1n;
  let stored: { blob: { id: string }; bytes: Uint8Array };
  try {
    stored = await fetchByContent(store, "input", inputHash, matches);
  } catch (e) {
    const why = (e as Error).message;
    return {
      inference: id,
      ok: false,
      problems: [`no stored record of this inference with its output and a valid attestation: ${why}`],
      evidence: { record },
    };
  }
  const r = findRecord(stored.bytes, inputHash, bound, hashInput)!;
  const txHash = BigInt(`0x${Buffer.from(r.txHash).toString("hex")}`);
  const attestedBy = {
    record,
    inputBlob: stored.blob.id,
    txHash: fieldToHex(txHash),
    operator: r.attestation.operator,
    attestation: r.attestation.signature,
    operatorL1: r.operatorL1.signer,
  };
  if (text) {
    // Slash evidence for a wrong generation: not yet (evidence.ts re-runs classifiers only).
    const { problems, output, reference } = await checkGeneration(modelBytes, r, fc);
    return {
      inference: id,
      ok: problems.length === 0,
      problems,
      evidence: { ...attestedBy, output, reference },
    };
  }
  const mlp = decodeMlp(modelBytes);
  const problems: string[] = [];
  const x = decodeInput(r.input);
  const probs = decodeOutput(r.output);
  const check = checkOutput(mlp, x, probs);
  if (!check.ok) {
    problems.push(
      `the output disagrees with the reference forward pass: max difference ${check.maxDiff.toExponential(3)}` +
        `, label ${check.label} against ${check.referenceLabel}`,
    );
  }
  if (inputCommitment(servingContext(mlp), x) !== fc) {
    problems.push("the featureCommitment is not the one the stored input gives");
  }
  return {
    inference: id,
    ok: problems.length === 0,
    problems,
    evidence: {
      ...attestedBy,
      output: Array.from(probs),
      reference: Array.from(check.reference),
      maxDiff: check.maxDiff,
      label: check.label,
      referenceLabel: check.referenceLabel,
    },
    ...(!check.ok && {
      slash: buildEvidence({
        domain,
        inference: id,
        modelHash: model.modelHash as string,
        featureCommitment: fc,
        // The one record, not the blob: a batch's blob holds other users' inputs too.
        record: encodeRecord(r),
        mlp,
      }),
    }),
  };
}

/**
 * Checks slash evidence against the chains and the store: it is for this deployment
 * (`domain`), the model is fetched by the
 * evidence's modelHash (bytes checked) and must be the one L2 registered, inference
 * `e.inference` on L2 must carry the attested model, outputHash and featureCommitment, and
 * the operator must have been listed on L1 (so its bond answers for its attestations).
 * Returns the problems; empty when the evidence stands.
 */
export async function verifyEvidence(
  e: SlashEvidence,
  domain: Domain,
  provider: OpenLedgerProvider,
  store: StoreClient,
  operators: { served(operator: string): Promise<boolean> },
): Promise<string[]> {
  const problems: string[] = [];
  if (BigInt(e.chainId) !== domain.chainId || e.rollup.toLowerCase() !== domain.rollup.toLowerCase()) {
    problems.push(`the evidence is for chain ${e.chainId}, rollup ${e.rollup}: not this deployment`);
  }
  const record = await provider.getInference(e.inference);
  const model = record && (await provider.getModel(record.model as number));
  if (!record || !model) return [`no inference ${e.inference} (or its model) on L2`];
  if (record.model !== e.model || BigInt(model.modelHash as string) !== BigInt(e.modelHash)) {
    problems.push("the evidence names another model than the L2 record");
  }
  if (BigInt(record.outputHash as string) !== BigInt(e.outputHash)) {
    problems.push("the L2 record carries another outputHash");
  }
  if (BigInt(record.featureCommitment as string) !== BigInt(e.featureCommitment)) {
    problems.push("the L2 record carries another featureCommitment");
  }
  if (!(await operators.served(e.operator))) problems.push(`${e.operator} was never a listed operator`);
  const mlp = decodeMlp((await fetchModel(store, BigInt(model.modelHash as string))).bytes);
  return [...problems, ...checkEvidence(e, mlp)];
}
