import { sha256 } from "@noble/hashes/sha2.js";
import { getAddress } from "ethers";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { bigIntToBytesBE, bytesToBigIntBE, type Field } from "../field.ts";
import { decodeFloat40, encodeFloat40 } from "../float40.ts";
import { type L2Tx, type QueueOp, TxType } from "../tx/types.ts";

/**
 * Compact batch data (docs/protocol.md, section 8): what L1 receives as calldata. Nonces and
 * signatures are left out (the proof covers them) and amounts take 5 bytes as float40. A
 * queue operation is only its type and the account it acted on; the rest is in the L1 queue.
 */
type WithoutNonce<T> = T extends L2Tx ? Omit<T, "nonce"> : never;
export type CompactTx = WithoutNonce<L2Tx> | { readonly type: QueueOp["type"]; readonly account: number };

/** A queue operation as posted: `account` is what its receipt names (0 if none). */
export function compactQueueOp(op: QueueOp, account: number): CompactTx {
  return { type: op.type, account };
}

const isQueueType = (type: number): type is QueueOp["type"] => type >= TxType.Deposit && type <= TxType.Slash;

export function encodeBatchData(txs: readonly CompactTx[]): Uint8Array {
  const out: number[] = [];
  const uint = (x: bigint | number, n: number) => out.push(...bigIntToBytesBE(BigInt(x), n));
  const f40 = (x: bigint) => uint(encodeFloat40(x), 5);
  const field = (x: Field) => uint(x, 32);
  for (const tx of txs) {
    out.push(tx.type);
    if ("account" in tx) {
      uint(tx.account, 4);
      continue;
    }
    uint(tx.from, 4);
    switch (tx.type) {
      case TxType.Transfer:
        uint(tx.to, 4);
        f40(tx.amount);
        f40(tx.fee);
        break;
      case TxType.Withdraw:
        f40(tx.amount);
        f40(tx.fee);
        uint(BigInt(getAddress(tx.recipient)), 20);
        break;
      case TxType.Stake:
      case TxType.Unstake:
        f40(tx.amount);
        f40(tx.fee);
        break;
      case TxType.RegisterContribution:
        f40(tx.fee);
        uint(tx.datanet, 4);
        field(tx.contentRoot);
        uint(tx.rowCount, 4);
        uint(tx.license, 2);
        field(tx.uriCommitment);
        f40(tx.stake);
        break;
      case TxType.RegisterModel:
        f40(tx.fee);
        field(tx.modelHash);
        field(tx.trainingConfigHash);
        uint(tx.contributions.length, 2);
        for (const c of tx.contributions) uint(c, 4);
        field(tx.checkpointCommitment);
        f40(tx.inferenceFee);
        uint(tx.baseModel, 4);
        break;
      case TxType.Inference:
        f40(tx.fee);
        uint(tx.model, 4);
        field(tx.inputHash);
        field(tx.outputHash);
        field(tx.featureCommitment);
        f40(tx.payment);
        break;
    }
  }
  return Uint8Array.from(out);
}

export function decodeBatchData(data: Uint8Array): CompactTx[] {
  let o = 0;
  const take = (n: number): Uint8Array => {
    if (o + n > data.length)
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `batch data ends early at offset ${o}`);
    o += n;
    return data.subarray(o - n, o);
  };
  const num = (n: number) => Number(bytesToBigIntBE(take(n)));
  const big = (n: number) => bytesToBigIntBE(take(n));
  const f40 = () => decodeFloat40(big(5));
  const txs: CompactTx[] = [];
  while (o < data.length) {
    const type = num(1);
    if (isQueueType(type)) {
      txs.push({ type, account: num(4) });
      continue;
    }
    const from = num(4);
    switch (type) {
      case TxType.Transfer: {
        const to = num(4);
        const amount = f40();
        txs.push({ type, from, to, amount, fee: f40() });
        break;
      }
      case TxType.Withdraw: {
        const amount = f40();
        const fee = f40();
        txs.push({
          type,
          from,
          amount,
          fee,
          recipient: getAddress(`0x${big(20).toString(16).padStart(40, "0")}`),
        });
        break;
      }
      case TxType.Stake:
      case TxType.Unstake: {
        const amount = f40();
        txs.push({ type, from, amount, fee: f40() });
        break;
      }
      case TxType.RegisterContribution:
        txs.push({
          type,
          from,
          fee: f40(),
          datanet: num(4),
          contentRoot: big(32),
          rowCount: num(4),
          license: num(2),
          uriCommitment: big(32),
          stake: f40(),
        });
        break;
      case TxType.RegisterModel: {
        const fee = f40();
        const modelHash = big(32);
        const trainingConfigHash = big(32);
        const n = num(2);
        const contributions = Array.from({ length: n }, () => num(4));
        txs.push({
          type,
          from,
          fee,
          modelHash,
          trainingConfigHash,
          contributions,
          checkpointCommitment: big(32),
          inferenceFee: f40(),
          baseModel: num(4),
        });
        break;
      }
      case TxType.Inference:
        txs.push({
          type,
          from,
          fee: f40(),
          model: num(4),
          inputHash: big(32),
          outputHash: big(32),
          featureCommitment: big(32),
          payment: f40(),
        });
        break;
      default:
        throw new OpenLedgerError(
          ErrorCode.InvalidEncoding,
          `unknown transaction type ${type} in batch data at offset ${o - 5}`,
        );
    }
  }
  return txs;
}

/** sha256 of the batch data as 0x hex: the contract recomputes it on commit. */
export function batchDataHash(data: Uint8Array): string {
  return `0x${Buffer.from(sha256(data)).toString("hex")}`;
}
