/**
 * Direct writes to the Rollup's storage, for states no test could reach by transactions in
 * reasonable time (ten thousand proven batches). The slots are those of RollupStorage, the
 * first contract of the linearization: checked against the views before any write.
 */
import { AbiCoder, keccak256, toBeHex, toQuantity } from "ethers";
import { expect } from "vitest";
import { type BatchRoots, batchRootsHash } from "../client/batch-roots.ts";
import type { System } from "./fixture.ts";

export const PROVEN = 1n << 255n;
const HEAD_SLOT = 0n;
const TIP_SLOT = 1n;
const BATCHES_SLOT = 4n;

const word = (v: bigint) => toBeHex(v, 32);

export class RollupStorageWriter {
  private constructor(
    private readonly s: System,
    private readonly address: string,
  ) {}

  /** Checks the slot layout against the views first. */
  static async of(s: System): Promise<RollupStorageWriter> {
    const w = new RollupStorageWriter(s, String(s.d.rollup.target));
    const head = await s.d.rollup.getFunction("head")();
    const packed = BigInt(await w.read(HEAD_SLOT));
    expect(packed & ((1n << 64n) - 1n)).toBe(head.lastCommitted);
    expect((packed >> 64n) & ((1n << 64n) - 1n)).toBe(head.lastFinalized);
    expect((packed >> 128n) & ((1n << 64n) - 1n)).toBe(head.queueCommitted);
    expect(await w.read(TIP_SLOT)).toBe(await s.d.rollup.getFunction("committedStateRoot")());
    expect(BigInt(await w.read(w.batchSlot(0n)))).toBe(PROVEN | (1n << 254n));
    return w;
  }

  read(slot: bigint): Promise<string> {
    return this.s.ethers.provider.send("eth_getStorageAt", [this.address, toQuantity(slot), "latest"]);
  }

  write(slot: bigint, value: bigint): Promise<unknown> {
    return this.s.ethers.provider.send("hardhat_setStorageAt", [this.address, toQuantity(slot), word(value)]);
  }

  /** The first of batch `i`'s two slots (proof slot, then roots hash). */
  batchSlot(i: bigint): bigint {
    return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [i, BATCHES_SLOT])));
  }

  /** Batch `i` as proven by `prover`. */
  proven(i: bigint, prover: string): Promise<unknown> {
    return this.write(this.batchSlot(i), PROVEN | BigInt(prover));
  }

  /** Batch `i`'s roots, committed at `committedAt`. */
  roots(i: bigint, roots: BatchRoots, committedAt: bigint): Promise<unknown> {
    return this.write(this.batchSlot(i) + 1n, (committedAt << 224n) | BigInt(batchRootsHash(roots)));
  }

  /** The head: last committed and finalized batches, queue consumed (not frozen). */
  head(lastCommitted: bigint, lastFinalized: bigint, queueCommitted: bigint): Promise<unknown> {
    return this.write(HEAD_SLOT, lastCommitted | (lastFinalized << 64n) | (queueCommitted << 128n));
  }

  tipStateRoot(root: bigint): Promise<unknown> {
    return this.write(TIP_SLOT, root);
  }
}
