import { describe, expect, it } from "vitest";
import { ErrorCode, type OpenLedgerError } from "../../protocol/errors.ts";
import { type SignedTx, TxType } from "../../protocol/tx/types.ts";
import { Mempool, type PooledTx } from "./mempool.ts";

const limits = { maxSize: 3, maxPerSender: 2, maxNonceGap: 5, replaceBumpPercent: 10 };
const pooled = (from: number, nonce: number, fee: bigint): PooledTx => ({
  hash: `${from}:${nonce}:${fee}`,
  raw: new Uint8Array(),
  tx: {
    type: TxType.Stake,
    from,
    nonce,
    fee,
    amount: 1n,
    signature: { R8: { x: 0n, y: 1n }, S: 0n },
  } as SignedTx,
});
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as OpenLedgerError).code;
  }
  return undefined;
};

describe("mempool", () => {
  it("replaces a waiting transaction only with a fee at least 10% higher", () => {
    const pool = new Mempool(limits);
    pool.add(pooled(1, 2, 100n), 0);
    expect(codeOf(() => pool.add(pooled(1, 2, 109n), 0))).toBe(ErrorCode.ReplacementUnderpriced);
    expect(pool.add(pooled(1, 2, 110n), 0).replaced?.tx.fee).toBe(100n);
    expect(pool.size).toBe(1);
  });

  it("bounds the nonce gap and the transactions per sender", () => {
    const pool = new Mempool(limits);
    expect(codeOf(() => pool.add(pooled(1, 6, 1n), 0))).toBe(ErrorCode.BadNonce);
    pool.add(pooled(1, 1, 1n), 0);
    pool.add(pooled(1, 2, 1n), 0);
    expect(codeOf(() => pool.add(pooled(1, 3, 1n), 0))).toBe(ErrorCode.MempoolFull);
  });

  it("when full, evicts the lowest fee for a higher one and refuses a lower one", () => {
    const pool = new Mempool(limits);
    pool.add(pooled(1, 1, 5n), 0);
    pool.add(pooled(2, 1, 3n), 0);
    pool.add(pooled(3, 1, 7n), 0);
    expect(codeOf(() => pool.add(pooled(4, 1, 3n), 0))).toBe(ErrorCode.MempoolFull);
    expect(pool.add(pooled(4, 1, 4n), 0).evicted?.hash).toBe("2:1:3");
    expect(pool.all().map((p) => p.tx.fee)).toEqual([7n, 5n, 4n]);
  });

  it("hands out a sender's transactions in nonce order and counts its pending run", () => {
    const pool = new Mempool(limits);
    pool.add(pooled(1, 2, 1n), 0);
    pool.add(pooled(1, 1, 1n), 0);
    expect(pool.pendingNonce(1, 0)).toBe(0);
    expect(pool.pendingNonce(1, 1)).toBe(3);
    expect(pool.take(1, 2)?.tx.nonce).toBe(2);
    expect(pool.take(1, 2)).toBeUndefined();
    expect(pool.size).toBe(1);
  });
});
