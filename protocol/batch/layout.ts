import { sha256 } from "@noble/hashes/sha2.js";
import type { BlobOpening } from "../blob/challenge.ts";
import { addressToField } from "../domain.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { bigIntToBytesBE, bytesToBigIntBE, type Field } from "../field.ts";
import { decodeFloat40, encodeFloat40 } from "../float40.ts";
import { poseidon } from "../poseidon.ts";
import type { Receipt } from "../state/apply.ts";
import { packCurators } from "../tx/fields.ts";
import { type QueueOp, type SignedTx, TxType } from "../tx/types.ts";

/**
 * Fixed-layout batch data (docs/protocol.md section 8): what the batch circuit hashes, so its
 * length depends only on the circuit's shape, never on the transactions.
 *
 *   feeRecipient u24 ‖ slots × (type u8, a u24, b u24, amount f40, fee f40) ‖ withdrawals × recipient 20
 *   ‖ registrySlots × (type u8, w0 u32, h1 32, h2 32, h3 32, w4 u32, w5 u16)
 *
 * A transfer's record is 17 bytes, at most 272 gas of calldata. Account ids fit 24 bits (the
 * accounts tree holds 2^24 at production size). A registry transaction has an account record
 * (its stake or payment as `amount`) and a registry record with the rest of its payload.
 * Unused records, recipients and registry records are zeros.
 */
export interface BatchShape {
  /** Account slots: transactions per batch, the rest padded with no-ops. */
  readonly slots: number;
  /** Withdrawals per batch (a power of two): recipients posted after the records. */
  readonly withdrawals: number;
  /** Registry transactions (register contribution or model, inference, create Datanet, curate) per batch; 0 if absent. */
  readonly registrySlots?: number;
}

export const SLOT_RECORD_BYTES = 17;
export const RECIPIENT_BYTES = 20;
export const REGISTRY_RECORD_BYTES = 107;
const HEADER_BYTES = 3;

/** One account slot's record: for a deposit, `a` is the account credited or opened (0 if refunded). */
export interface SlotRecord {
  readonly type: number;
  readonly a: number;
  readonly b: number;
  readonly amount: bigint;
  readonly fee: bigint;
}

export const NOOP_RECORD: SlotRecord = { type: 0, a: 0, b: 0, amount: 0n, fee: 0n };

/**
 * A registry slot's record: contribution (datanet, contentRoot, uriCommitment, 0, rowCount,
 * license), model (baseModel, modelHash, trainingDescriptor, checkpointCommitment, 0, 0),
 * inference (model, inputHash, outputHash, featureCommitment, 0, 0), create Datanet
 * (licensePolicy, metadataHash, curators, 0, 0, curationMode), curate (contribution, 0, 0, 0, 0,
 * accept).
 */
export interface RegistryRecord {
  readonly type: number;
  readonly w0: number;
  readonly h1: Field;
  readonly h2: Field;
  readonly h3: Field;
  readonly w4: number;
  readonly w5: number;
}

export function batchDataLength(shape: BatchShape): number {
  return (
    HEADER_BYTES +
    shape.slots * SLOT_RECORD_BYTES +
    shape.withdrawals * RECIPIENT_BYTES +
    (shape.registrySlots ?? 0) * REGISTRY_RECORD_BYTES
  );
}

/**
 * The record of an executed transaction, from its receipt: the account a queue operation
 * names; for a curate, the contribution's owner as `b` and its refund as `amount`.
 */
export function slotRecord(
  tx: SignedTx | QueueOp,
  receipt: Pick<Receipt, "account" | "curated">,
): SlotRecord {
  const account = receipt.account;
  switch (tx.type) {
    case TxType.Transfer:
      return { type: tx.type, a: tx.from, b: tx.to, amount: tx.amount, fee: tx.fee };
    case TxType.Withdraw:
    case TxType.Stake:
    case TxType.Unstake:
      return { type: tx.type, a: tx.from, b: 0, amount: tx.amount, fee: tx.fee };
    case TxType.RegisterContribution:
      return { type: tx.type, a: tx.from, b: 0, amount: tx.stake, fee: tx.fee };
    case TxType.Inference:
      return { type: tx.type, a: tx.from, b: 0, amount: tx.payment, fee: tx.fee };
    case TxType.RegisterModel:
      return { type: tx.type, a: tx.from, b: 0, amount: tx.inferenceFee, fee: tx.fee };
    case TxType.CreateDatanet:
      return { type: tx.type, a: tx.from, b: 0, amount: tx.minStake, fee: tx.fee };
    case TxType.Curate: {
      // The state transition gives every curate its receipt's `curated`.
      const { owner, refund } = receipt.curated!;
      return { type: tx.type, a: tx.from, b: owner, amount: refund, fee: tx.fee };
    }
    case TxType.Deposit:
    case TxType.ForcedWithdrawal:
    case TxType.SetParameter:
    case TxType.Slash:
      return { type: tx.type, a: account, b: 0, amount: 0n, fee: 0n };
  }
}

/**
 * The registry record of a register contribution, register model or inference; undefined for
 * other types. A register model's `trainingDescriptor` is the one its model leaf holds.
 */
export function registryRecord(
  tx: SignedTx | QueueOp,
  trainingDescriptor: Field,
): RegistryRecord | undefined {
  if (tx.type === TxType.RegisterModel) {
    return {
      type: tx.type,
      w0: tx.baseModel,
      h1: tx.modelHash,
      h2: trainingDescriptor,
      h3: tx.checkpointCommitment,
      w4: 0,
      w5: 0,
    };
  }
  if (tx.type === TxType.RegisterContribution) {
    return {
      type: tx.type,
      w0: tx.datanet,
      h1: tx.contentRoot,
      h2: tx.uriCommitment,
      h3: 0n,
      w4: tx.rowCount,
      w5: tx.license,
    };
  }
  if (tx.type === TxType.Inference) {
    return {
      type: tx.type,
      w0: tx.model,
      h1: tx.inputHash,
      h2: tx.outputHash,
      h3: tx.featureCommitment,
      w4: 0,
      w5: 0,
    };
  }
  if (tx.type === TxType.CreateDatanet) {
    return {
      type: tx.type,
      w0: tx.licensePolicy,
      h1: tx.metadataHash,
      h2: packCurators(tx.curators),
      h3: 0n,
      w4: 0,
      w5: tx.curationMode,
    };
  }
  if (tx.type === TxType.Curate) {
    return { type: tx.type, w0: tx.contribution, h1: 0n, h2: 0n, h3: 0n, w4: 0, w5: tx.accept ? 1 : 0 };
  }
  return undefined;
}

export function encodeBatchLayout(
  shape: BatchShape,
  feeRecipient: number,
  records: readonly SlotRecord[],
  recipients: readonly string[],
  registryRecords: readonly RegistryRecord[] = [],
): Uint8Array {
  const registrySlots = shape.registrySlots ?? 0;
  if (
    records.length > shape.slots ||
    recipients.length > shape.withdrawals ||
    registryRecords.length > registrySlots
  ) {
    throw new OpenLedgerError(
      ErrorCode.InvalidTransaction,
      `batch holds ${records.length} transactions, ${recipients.length} withdrawals and ${registryRecords.length} registry transactions, the circuit ${shape.slots}, ${shape.withdrawals} and ${registrySlots}`,
    );
  }
  const out = new Uint8Array(batchDataLength(shape));
  let o = 0;
  const put = (x: bigint | number, n: number) => {
    out.set(bigIntToBytesBE(BigInt(x), n), o);
    o += n;
  };
  put(feeRecipient, HEADER_BYTES);
  for (let i = 0; i < shape.slots; i++) {
    const r = records[i] ?? NOOP_RECORD;
    put(r.type, 1);
    put(r.a, 3);
    put(r.b, 3);
    put(encodeFloat40(r.amount), 5);
    put(encodeFloat40(r.fee), 5);
  }
  for (const recipient of recipients) put(addressToField(recipient), RECIPIENT_BYTES);
  o = HEADER_BYTES + shape.slots * SLOT_RECORD_BYTES + shape.withdrawals * RECIPIENT_BYTES;
  for (const r of registryRecords) {
    put(r.type, 1);
    put(r.w0, 4);
    put(r.h1, 32);
    put(r.h2, 32);
    put(r.h3, 32);
    put(r.w4, 4);
    put(r.w5, 2);
  }
  return out;
}

/** Batch data read back into its parts: what a node rebuilding state from L1 replays. */
export interface DecodedBatchData {
  readonly feeRecipient: number;
  /** The used account records, in execution order (the no-op padding left out). */
  readonly records: readonly SlotRecord[];
  /** Every posted recipient entry, zeros included: the k-th withdrawal takes entry k. */
  readonly recipients: readonly string[];
  /** The used registry records, in execution order. */
  readonly registryRecords: readonly RegistryRecord[];
}

/**
 * The inverse of `encodeBatchLayout`. Used records come first and the padding is all zeros,
 * so records stop at the first of type 0. Throws on data of another length than the shape's.
 */
export function decodeBatchLayout(shape: BatchShape, data: Uint8Array): DecodedBatchData {
  if (data.length !== batchDataLength(shape)) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `batch data of ${data.length} bytes does not fit the layout of ${shape.slots} slots, ${shape.withdrawals} withdrawals and ${shape.registrySlots ?? 0} registry slots (${batchDataLength(shape)} bytes)`,
    );
  }
  let o = 0;
  const take = (n: number): bigint => {
    const v = bytesToBigIntBE(data.subarray(o, o + n));
    o += n;
    return v;
  };
  const num = (n: number) => Number(take(n));
  const feeRecipient = num(HEADER_BYTES);
  const records: SlotRecord[] = [];
  for (let i = 0; i < shape.slots; i++) {
    const r = {
      type: num(1),
      a: num(3),
      b: num(3),
      amount: decodeFloat40(take(5)),
      fee: decodeFloat40(take(5)),
    };
    if (r.type !== 0 && records.length === i) records.push(r);
  }
  const recipients: string[] = [];
  for (let i = 0; i < shape.withdrawals; i++)
    recipients.push(`0x${take(RECIPIENT_BYTES).toString(16).padStart(40, "0")}`);
  const registryRecords: RegistryRecord[] = [];
  for (let i = 0; i < (shape.registrySlots ?? 0); i++) {
    const r = { type: num(1), w0: num(4), h1: take(32), h2: take(32), h3: take(32), w4: num(4), w5: num(2) };
    if (r.type !== 0 && registryRecords.length === i) registryRecords.push(r);
  }
  return { feeRecipient, records, recipients, registryRecords };
}

export interface BatchClaims {
  readonly preStateRoot: Field;
  readonly postStateRoot: Field;
  readonly queueStart: Field;
  readonly queueEnd: Field;
  readonly withdrawalsRoot: Field;
}

const PUBLIC_INPUT_MASK = (1n << 253n) - 1n;
const HALF = 128n;
const LOW_HALF = (1n << HALF) - 1n;

/**
 * Poseidon(Poseidon(pre, post, H_start, H_end, withdrawalsRoot),
 * Poseidon(vh_hi, vh_lo, z, y_hi, y_lo)), top three bits cleared: the batch's commitment, as
 * commitBatch records it (the blob opening of section 8.2 stands for the batch data). The roots,
 * the queue hashes and z are below p; the versioned hash (256 bits) and y (below BLS12-381's r)
 * are not, so they go in as 128-bit halves, which name each value once.
 */
export function batchCommitment(c: BatchClaims, blob: BlobOpening): Field {
  const vh = bytesToBigIntBE(blob.versionedHash);
  const claimed = poseidon([c.preStateRoot, c.postStateRoot, c.queueStart, c.queueEnd, c.withdrawalsRoot]);
  const opening = poseidon([vh >> HALF, vh & LOW_HALF, blob.z, blob.y >> HALF, blob.y & LOW_HALF]);
  return poseidon([claimed, opening]) & PUBLIC_INPUT_MASK;
}

/**
 * sha256(commitment ‖ prover), 32 + 20 bytes, top three bits cleared: the one public input of a
 * batch proof submitted by the L1 address `prover` (proveBatch binds it to msg.sender).
 */
export function proofPublicInput(commitment: Field, prover: string): Field {
  const bytes = new Uint8Array(52);
  bytes.set(bigIntToBytesBE(commitment, 32), 0);
  bytes.set(bigIntToBytesBE(addressToField(prover), 20), 32);
  return maskedSha256(bytes);
}

function maskedSha256(bytes: Uint8Array): Field {
  return BigInt(`0x${Buffer.from(sha256(bytes)).toString("hex")}`) & PUBLIC_INPUT_MASK;
}
