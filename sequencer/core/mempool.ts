import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { SignedTx } from "../../protocol/tx/types.ts";

/**
 * Transactions waiting for an earlier nonce of their sender. A transaction whose nonce is
 * the sender's next one executes at once (it gets its batch and position in the answer);
 * only those with a gap wait here. Executed transactions never enter the pool, so nothing
 * the pool does (replacement, eviction) can touch a transaction already placed in a batch.
 *
 * Rules: per sender, one transaction per nonce, within `maxNonceGap` of the next nonce and
 * at most `maxPerSender` waiting; a transaction with the same (sender, nonce) replaces the
 * waiting one only with a fee at least `replaceBumpPercent` higher; when the pool holds
 * `maxSize` transactions, a new one evicts the lowest-fee one if it pays more (fee priority),
 * otherwise it is refused.
 */
export interface MempoolLimits {
  readonly maxSize: number;
  readonly maxPerSender: number;
  readonly maxNonceGap: number;
  readonly replaceBumpPercent: number;
}

export interface PooledTx {
  /** txHash as 0x hex. */
  readonly hash: string;
  readonly tx: SignedTx;
  readonly raw: Uint8Array;
}

export interface AddResult {
  readonly replaced?: PooledTx;
  readonly evicted?: PooledTx;
}

export class Mempool {
  private readonly bySender = new Map<number, Map<number, PooledTx>>();
  private readonly byHash = new Map<string, PooledTx>();

  constructor(readonly limits: MempoolLimits) {}

  get size(): number {
    return this.byHash.size;
  }

  /** The waiting transaction with this txHash (0x hex), if any. */
  get(hash: string): PooledTx | undefined {
    return this.byHash.get(hash);
  }

  /** Adds a transaction whose nonce is above `nextNonce`, the sender's next executable one. */
  add(p: PooledTx, nextNonce: number): AddResult {
    const { from, nonce, fee } = p.tx;
    if (nonce - nextNonce > this.limits.maxNonceGap) {
      throw new OpenLedgerError(
        ErrorCode.BadNonce,
        `nonce ${nonce} is more than ${this.limits.maxNonceGap} ahead of account ${from}'s next nonce ${nextNonce}`,
        { expected: nextNonce },
      );
    }
    const queue = this.bySender.get(from) ?? new Map<number, PooledTx>();
    const existing = queue.get(nonce);
    if (existing) {
      const needed = existing.tx.fee + (existing.tx.fee * BigInt(this.limits.replaceBumpPercent)) / 100n;
      if (fee < needed || fee === existing.tx.fee) {
        throw new OpenLedgerError(
          ErrorCode.ReplacementUnderpriced,
          `a transaction with nonce ${nonce} is already waiting; a replacement pays at least ${needed > existing.tx.fee ? needed : existing.tx.fee + 1n}`,
        );
      }
      queue.set(nonce, p);
      this.byHash.delete(existing.hash);
      this.byHash.set(p.hash, p);
      return { replaced: existing };
    }
    if (queue.size >= this.limits.maxPerSender) {
      throw new OpenLedgerError(
        ErrorCode.MempoolFull,
        `account ${from} already has ${queue.size} transactions waiting`,
      );
    }
    let evicted: PooledTx | undefined;
    if (this.size >= this.limits.maxSize) {
      const lowest = this.lowestFee();
      if (!lowest || lowest.tx.fee >= fee) {
        throw new OpenLedgerError(
          ErrorCode.MempoolFull,
          `the mempool is full; a fee above ${lowest?.tx.fee ?? 0n} would enter it`,
        );
      }
      this.remove(lowest);
      evicted = lowest;
    }
    queue.set(nonce, p);
    this.bySender.set(from, queue);
    this.byHash.set(p.hash, p);
    return evicted ? { evicted } : {};
  }

  /** Removes and returns the waiting transaction of `from` with `nonce`, if any. */
  take(from: number, nonce: number): PooledTx | undefined {
    const p = this.bySender.get(from)?.get(nonce);
    if (p) this.remove(p);
    return p;
  }

  /** The nonce a new transaction of `from` should use, counting its waiting run of nonces. */
  pendingNonce(from: number, nextNonce: number): number {
    const queue = this.bySender.get(from);
    let n = nextNonce;
    while (queue?.has(n)) n++;
    return n;
  }

  /** Every waiting transaction, highest fee first. */
  all(): PooledTx[] {
    return [...this.bySender.values()]
      .flatMap((q) => [...q.values()])
      .sort((a, b) => (b.tx.fee > a.tx.fee ? 1 : b.tx.fee < a.tx.fee ? -1 : 0));
  }

  private remove(p: PooledTx): void {
    const queue = this.bySender.get(p.tx.from);
    if (!queue?.delete(p.tx.nonce)) return;
    if (queue.size === 0) this.bySender.delete(p.tx.from);
    this.byHash.delete(p.hash);
  }

  /** Lowest fee; among equal fees the highest nonce, whose loss blocks nothing else. */
  private lowestFee(): PooledTx | undefined {
    let low: PooledTx | undefined;
    for (const q of this.bySender.values()) {
      for (const p of q.values()) {
        if (!low || p.tx.fee < low.tx.fee || (p.tx.fee === low.tx.fee && p.tx.nonce > low.tx.nonce)) low = p;
      }
    }
    return low;
  }
}
