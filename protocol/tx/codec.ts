import { getAddress } from "ethers";
import { packPoint, unpackPoint } from "../babyjub.ts";
import type { Signature } from "../eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import {
  bigIntToBytesBE,
  bigIntToBytesLE,
  bytesToBigIntBE,
  bytesToBigIntLE,
  type Field,
  toField,
} from "../field.ts";
import {
  CurationMode,
  isQueueOp,
  type L2Tx,
  MAX_CURATORS,
  type QueueOp,
  type SignedTx,
  type Tx,
  TxType,
} from "./types.ts";

/**
 * Canonical binary encoding (docs/protocol.md, "Wire encoding"): a version byte, the type
 * byte, then fixed-width big-endian fields in declaration order, then for L2 transactions
 * the 64-byte signature packPoint(R8) ‖ S little-endian (circomlib's packSignature).
 * Exactly one byte string decodes to a given transaction: decode rejects trailing bytes,
 * non-canonical field elements and points.
 */
export const WIRE_VERSION = 1;
const SIGNATURE_BYTES = 64;
const MAX_TRAINING_CONTRIBUTIONS = 0xffff;

class Writer {
  private readonly parts: Uint8Array[] = [];
  u8(x: number) {
    this.parts.push(Uint8Array.of(x));
  }
  uint(x: bigint | number, bytes: number) {
    this.parts.push(bigIntToBytesBE(BigInt(x), bytes));
  }
  field(x: Field) {
    this.parts.push(bigIntToBytesBE(x, 32));
  }
  address(a: string) {
    this.parts.push(bigIntToBytesBE(BigInt(getAddress(a)), 20));
  }
  raw(b: Uint8Array) {
    this.parts.push(b);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

class Reader {
  private o = 0;
  constructor(private readonly buf: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.o + n > this.buf.length) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `transaction bytes end early (wanted ${n} at offset ${this.o})`,
      );
    }
    const s = this.buf.subarray(this.o, this.o + n);
    this.o += n;
    return s;
  }
  u8(): number {
    return this.take(1)[0]!;
  }
  num(bytes: number): number {
    return Number(bytesToBigIntBE(this.take(bytes)));
  }
  big(bytes: number): bigint {
    return bytesToBigIntBE(this.take(bytes));
  }
  field(what: string): Field {
    return toField(bytesToBigIntBE(this.take(32)), what);
  }
  address(): string {
    return getAddress(`0x${Buffer.from(this.take(20)).toString("hex")}`);
  }
  end() {
    if (this.o !== this.buf.length) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `${this.buf.length - this.o} trailing bytes after the transaction`,
      );
    }
  }
}

function writeBody(w: Writer, tx: Tx): void {
  w.u8(WIRE_VERSION);
  w.u8(tx.type);
  switch (tx.type) {
    case TxType.Deposit:
      w.uint(tx.queueIndex, 8);
      w.address(tx.l1Sender);
      w.uint(tx.to, 4);
      w.raw(packPoint(tx.publicKey));
      w.uint(tx.amount, 12);
      return;
    case TxType.ForcedWithdrawal:
      w.uint(tx.queueIndex, 8);
      w.address(tx.l1Sender);
      w.uint(tx.account, 4);
      w.uint(tx.amount, 12);
      return;
    case TxType.SetParameter:
      w.uint(tx.queueIndex, 8);
      w.uint(tx.paramId, 4);
      w.field(tx.value);
      return;
    case TxType.Slash:
      w.uint(tx.queueIndex, 8);
      w.uint(tx.account, 4);
      w.uint(tx.amount, 12);
      return;
  }
  w.uint(tx.from, 4);
  w.uint(tx.nonce, 4);
  w.uint(tx.fee, 12);
  switch (tx.type) {
    case TxType.Transfer:
      w.uint(tx.to, 4);
      w.uint(tx.amount, 12);
      return;
    case TxType.Withdraw:
      w.uint(tx.amount, 12);
      w.address(tx.recipient);
      return;
    case TxType.Stake:
    case TxType.Unstake:
      w.uint(tx.amount, 12);
      return;
    case TxType.RegisterContribution:
      w.uint(tx.datanet, 4);
      w.field(tx.contentRoot);
      w.uint(tx.rowCount, 4);
      w.uint(tx.license, 2);
      w.field(tx.uriCommitment);
      w.uint(tx.stake, 12);
      return;
    case TxType.RegisterModel:
      w.field(tx.modelHash);
      w.field(tx.trainingConfigHash);
      if (tx.contributions.length > MAX_TRAINING_CONTRIBUTIONS) {
        throw new OpenLedgerError(ErrorCode.InvalidEncoding, "too many training contributions");
      }
      w.uint(tx.contributions.length, 2);
      for (const c of tx.contributions) w.uint(c, 4);
      w.field(tx.checkpointCommitment);
      w.uint(tx.inferenceFee, 12);
      w.uint(tx.baseModel, 4);
      return;
    case TxType.Inference:
      w.uint(tx.model, 4);
      w.field(tx.inputHash);
      w.field(tx.outputHash);
      w.field(tx.featureCommitment);
      w.uint(tx.payment, 12);
      return;
    case TxType.CreateDatanet:
      w.field(tx.metadataHash);
      w.uint(tx.licensePolicy, 4);
      w.u8(tx.curationMode);
      if (tx.curators.length > MAX_CURATORS) {
        throw new OpenLedgerError(ErrorCode.InvalidEncoding, `at most ${MAX_CURATORS} curators`);
      }
      w.u8(tx.curators.length);
      for (const c of tx.curators) w.uint(c, 4);
      w.uint(tx.minStake, 12);
      return;
    case TxType.Curate:
      w.uint(tx.contribution, 4);
      w.u8(tx.accept ? 1 : 0);
      return;
  }
}

export function encodeTx(tx: Tx | SignedTx): Uint8Array {
  const w = new Writer();
  writeBody(w, tx);
  if (!isQueueOp(tx)) {
    const sig = (tx as SignedTx).signature;
    if (!sig)
      throw new OpenLedgerError(
        ErrorCode.InvalidSignature,
        "an L2 transaction is encoded with its signature",
      );
    w.raw(encodeSignature(sig));
  }
  return w.bytes();
}

export function decodeTx(bytes: Uint8Array): SignedTx | QueueOp {
  const r = new Reader(bytes);
  const version = r.u8();
  if (version !== WIRE_VERSION) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `unknown encoding version ${version}`);
  }
  const type = r.u8();
  const op = decodeQueueOp(type, r);
  if (op) {
    r.end();
    return op;
  }
  let tx: L2Tx;
  const common = { from: r.num(4), nonce: r.num(4), fee: r.big(12) };
  switch (type) {
    case TxType.Transfer:
      tx = { type, ...common, to: r.num(4), amount: r.big(12) };
      break;
    case TxType.Withdraw:
      tx = { type, ...common, amount: r.big(12), recipient: r.address() };
      break;
    case TxType.Stake:
    case TxType.Unstake:
      tx = { type, ...common, amount: r.big(12) };
      break;
    case TxType.RegisterContribution:
      tx = {
        type,
        ...common,
        datanet: r.num(4),
        contentRoot: r.field("contentRoot"),
        rowCount: r.num(4),
        license: r.num(2),
        uriCommitment: r.field("uriCommitment"),
        stake: r.big(12),
      };
      break;
    case TxType.RegisterModel: {
      const modelHash = r.field("modelHash");
      const trainingConfigHash = r.field("trainingConfigHash");
      const n = r.num(2);
      const contributions = Array.from({ length: n }, () => r.num(4));
      tx = {
        type,
        ...common,
        modelHash,
        trainingConfigHash,
        contributions,
        checkpointCommitment: r.field("checkpointCommitment"),
        inferenceFee: r.big(12),
        baseModel: r.num(4),
      };
      break;
    }
    case TxType.Inference:
      tx = {
        type,
        ...common,
        model: r.num(4),
        inputHash: r.field("inputHash"),
        outputHash: r.field("outputHash"),
        featureCommitment: r.field("featureCommitment"),
        payment: r.big(12),
      };
      break;
    case TxType.CreateDatanet: {
      const metadataHash = r.field("metadataHash");
      const licensePolicy = r.num(4);
      const curationMode = r.u8();
      if (curationMode !== CurationMode.Open && curationMode !== CurationMode.Curated) {
        throw new OpenLedgerError(ErrorCode.InvalidEncoding, `unknown curation mode ${curationMode}`);
      }
      const n = r.u8();
      if (n > MAX_CURATORS) {
        throw new OpenLedgerError(ErrorCode.InvalidEncoding, `at most ${MAX_CURATORS} curators, got ${n}`);
      }
      const curators = Array.from({ length: n }, () => r.num(4));
      tx = { type, ...common, metadataHash, licensePolicy, curationMode, curators, minStake: r.big(12) };
      break;
    }
    case TxType.Curate: {
      const contribution = r.num(4);
      const accept = r.u8();
      if (accept > 1) throw new OpenLedgerError(ErrorCode.InvalidEncoding, `accept is 0 or 1, got ${accept}`);
      tx = { type, ...common, contribution, accept: accept === 1 };
      break;
    }
    default:
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `unknown transaction type ${type}`);
  }
  const signature = decodeSignature(r.take(SIGNATURE_BYTES));
  r.end();
  return { ...tx, signature };
}

function decodeQueueOp(type: number, r: Reader): QueueOp | undefined {
  switch (type) {
    case TxType.Deposit:
      return {
        type,
        queueIndex: r.big(8),
        l1Sender: r.address(),
        to: r.num(4),
        publicKey: unpackPoint(r.take(32), "publicKey"),
        amount: r.big(12),
      };
    case TxType.ForcedWithdrawal:
      return { type, queueIndex: r.big(8), l1Sender: r.address(), account: r.num(4), amount: r.big(12) };
    case TxType.SetParameter:
      return { type, queueIndex: r.big(8), paramId: r.num(4), value: r.field("value") };
    case TxType.Slash:
      return { type, queueIndex: r.big(8), account: r.num(4), amount: r.big(12) };
    default:
      return undefined;
  }
}

/**
 * The sender of an L2 transaction read from its first bytes, without decoding the rest (the
 * signature's point decompression costs a square root): a sequencer needs the sender's key
 * before handing the full decoding and the signature check to a worker thread.
 */
export function peekSender(bytes: Uint8Array): number {
  if (bytes.length < 6 || bytes[0] !== WIRE_VERSION) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      "not an encoded transaction (too short or unknown version)",
    );
  }
  if (bytes[1]! >= TxType.Deposit && bytes[1]! <= TxType.Slash) {
    throw new OpenLedgerError(
      ErrorCode.InvalidTransaction,
      "deposits and other queue operations enter only from the L1 priority queue",
    );
  }
  return Number(bytesToBigIntBE(bytes.subarray(2, 6)));
}

export function encodeSignature(sig: Signature): Uint8Array {
  const out = new Uint8Array(SIGNATURE_BYTES);
  out.set(packPoint(sig.R8));
  out.set(bigIntToBytesLE(sig.S, 32), 32);
  return out;
}

export function decodeSignature(bytes: Uint8Array): Signature {
  if (bytes.length !== SIGNATURE_BYTES)
    throw new OpenLedgerError(ErrorCode.InvalidSignature, "a signature is 64 bytes");
  return { R8: unpackPoint(bytes.subarray(0, 32), "signature R8"), S: bytesToBigIntLE(bytes.subarray(32)) };
}
