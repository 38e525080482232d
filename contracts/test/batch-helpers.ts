import { type Contract, toBeHex } from "ethers";
import { type BatchRoots, rootsArg } from "../client/batch-roots.ts";
import { batchCommitment } from "../../protocol/batch/layout.ts";

export interface TestBatch {
  batchIndex: bigint;
  preStateRoot: bigint;
  postStateRoot: bigint;
  withdrawalsRoot: bigint;
  queueEnd: bigint;
  data: Uint8Array;
}

export const hex32 = (v: bigint) => toBeHex(v, 32);

/** The `Commitment` struct argument of commitBatch. */
export function commitment(b: TestBatch) {
  return {
    batchIndex: b.batchIndex,
    preStateRoot: hex32(b.preStateRoot),
    postStateRoot: hex32(b.postStateRoot),
    withdrawalsRoot: hex32(b.withdrawalsRoot),
    queueEnd: b.queueEnd,
  };
}

/** The roots the rollup keeps the hash of, as claims and freeze take them. */
export function rootsOf(b: TestBatch): BatchRoots {
  return { postStateRoot: b.postStateRoot, withdrawalsRoot: b.withdrawalsRoot, queueEnd: b.queueEnd };
}

/** `rootsOf(b)` as the contract's BatchRoots argument. */
export const rootsArgOf = (b: TestBatch) => rootsArg(rootsOf(b));

/** The next batch on top of the rollup's head, with the given post-state. */
export async function nextBatch(
  rollup: Contract,
  post: { postStateRoot: bigint; withdrawalsRoot?: bigint; queueEnd?: bigint; data?: Uint8Array },
): Promise<TestBatch> {
  const head = await rollup.getFunction("head")();
  return {
    batchIndex: head.lastCommitted + 1n,
    preStateRoot: BigInt(await rollup.getFunction("committedStateRoot")()),
    postStateRoot: post.postStateRoot,
    withdrawalsRoot: post.withdrawalsRoot ?? 0n,
    queueEnd: post.queueEnd ?? head.queueCommitted,
    data: post.data ?? new Uint8Array([8, 0, 0, 0, 1]),
  };
}

/** The commitment the contract must derive for `b`, recomputed independently in TypeScript. */
export async function expectedCommitment(
  rollup: Contract,
  b: TestBatch,
  queueStart: bigint,
): Promise<bigint> {
  const queueHashAt = rollup.getFunction("queueHashAt");
  return batchCommitment(
    {
      preStateRoot: b.preStateRoot,
      postStateRoot: b.postStateRoot,
      queueStart: await queueHashAt(queueStart),
      queueEnd: await queueHashAt(b.queueEnd),
      withdrawalsRoot: b.withdrawalsRoot,
    },
    b.data,
  );
}
