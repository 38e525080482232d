import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { getAddress } from "ethers";
import type { Field } from "../field.ts";
import { type Attestation, ioHash } from "./inference.ts";
import type { OperatorAttestation } from "./operator-attestation.ts";

/**
 * The plaintext of the blob a node stores for each paid inference (kind `input`, found by
 * its inputHash through the store's content index, docs/inference.md "Stored record"):
 *
 *   "OLIR" ‖ version u8 = 2 ‖ model u32 ‖ txHash 32 ‖ inputLen u32 ‖ input bytes
 *          ‖ outputLen u32 ‖ output bytes ‖ operator key 32 ‖ attestation signature 64
 *          ‖ operator L1 address 20 ‖ L1 attestation signature 65
 *
 * big-endian; input and output bytes are the canonical bytes their hashes are taken over.
 * Version 2 added the L1 attestation (operator-attestation.ts), the evidence against the
 * operator's bond. A node stores the records of one batch window together, in one blob
 * listed under every inputHash in it:
 *
 *   "OLIB" ‖ version u8 = 1 ‖ count u32 ‖ (recordLen u32 ‖ record)…
 */
export interface InferenceRecord {
  readonly model: number;
  readonly txHash: Uint8Array;
  readonly input: Uint8Array;
  readonly output: Uint8Array;
  readonly attestation: Attestation;
  readonly operatorL1: OperatorAttestation;
}

const MAGIC = [0x4f, 0x4c, 0x49, 0x52];
const VERSION = 2;
/** operator key, L2 signature, L1 address, L1 signature. */
const TAIL = 32 + 64 + 20 + 65;

export function encodeRecord(r: InferenceRecord): Uint8Array {
  const out = new Uint8Array(4 + 1 + 4 + 32 + 4 + r.input.length + 4 + r.output.length + TAIL);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  view.setUint32(5, r.model);
  out.set(r.txHash, 9);
  let at = 41;
  for (const part of [r.input, r.output]) {
    view.setUint32(at, part.length);
    out.set(part, at + 4);
    at += 4 + part.length;
  }
  out.set(Buffer.from(r.attestation.operator, "hex"), at);
  out.set(Buffer.from(r.attestation.signature, "hex"), at + 32);
  out.set(Buffer.from(r.operatorL1.signer.slice(2), "hex"), at + 96);
  out.set(Buffer.from(r.operatorL1.signature.slice(2), "hex"), at + 116);
  return out;
}

export function decodeRecord(bytes: Uint8Array): InferenceRecord {
  const bad = () => new OpenLedgerError(ErrorCode.InvalidEncoding, "not an inference record");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 41 + 8 + TAIL || MAGIC.some((b, i) => bytes[i] !== b) || bytes[4] !== VERSION)
    throw bad();
  const model = view.getUint32(5);
  const txHash = bytes.slice(9, 41);
  let at = 41;
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 2; i++) {
    if (at + 4 > bytes.length) throw bad();
    const length = view.getUint32(at);
    if (at + 4 + length > bytes.length) throw bad();
    parts.push(bytes.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at + TAIL !== bytes.length) throw bad();
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  return {
    model,
    txHash,
    input: parts[0]!,
    output: parts[1]!,
    attestation: {
      operator: hex(bytes.subarray(at, at + 32)),
      signature: hex(bytes.subarray(at + 32, at + 96)),
    },
    operatorL1: {
      signer: getAddress(`0x${hex(bytes.subarray(at + 96, at + 116))}`),
      signature: `0x${hex(bytes.subarray(at + 116))}`,
    },
  };
}

const BATCH_MAGIC = [0x4f, 0x4c, 0x49, 0x42];
const BATCH_VERSION = 1;

export function encodeRecords(records: readonly InferenceRecord[]): Uint8Array {
  const encoded = records.map(encodeRecord);
  const out = new Uint8Array(9 + encoded.reduce((n, r) => n + 4 + r.length, 0));
  const view = new DataView(out.buffer);
  out.set(BATCH_MAGIC, 0);
  out[4] = BATCH_VERSION;
  view.setUint32(5, encoded.length);
  let at = 9;
  for (const r of encoded) {
    view.setUint32(at, r.length);
    out.set(r, at + 4);
    at += 4 + r.length;
  }
  return out;
}

/** The records of a stored blob: a batch, or a single record. */
export function decodeRecords(bytes: Uint8Array): InferenceRecord[] {
  if (!BATCH_MAGIC.every((b, i) => bytes[i] === b)) return [decodeRecord(bytes)];
  const bad = () => new OpenLedgerError(ErrorCode.InvalidEncoding, "not a batch of inference records");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 9 || bytes[4] !== BATCH_VERSION) throw bad();
  const records: InferenceRecord[] = [];
  let at = 9;
  for (let i = view.getUint32(5); i > 0; i--) {
    if (at + 4 > bytes.length) throw bad();
    const length = view.getUint32(at);
    if (at + 4 + length > bytes.length) throw bad();
    records.push(decodeRecord(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  if (at !== bytes.length) throw bad();
  return records;
}

/**
 * The record in a stored blob (one record or a batch) whose input hashes to `inputHash` and
 * that `accept`s, if any: how a reader finds an inference's record by the chain's value.
 * `hashInput` is how the model's kind hashes an input (a text model's: text-inference.ts).
 */
export function findRecord(
  bytes: Uint8Array,
  inputHash: Field,
  accept: (r: InferenceRecord) => boolean = () => true,
  hashInput: (input: Uint8Array) => Field = ioHash,
): InferenceRecord | undefined {
  let records: InferenceRecord[];
  try {
    records = decodeRecords(bytes);
  } catch {
    return undefined;
  }
  return records.find((r) => {
    try {
      return hashInput(r.input) === inputHash && accept(r);
    } catch {
      // Another kind's input in the same blob: not this record.
      return false;
    }
  });
}
