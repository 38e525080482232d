import { type Contract, type ContractTransactionResponse, toBeHex } from "ethers";
import { type BatchRoots, rootsArg } from "../client/batch-roots.ts";
import { sendCommitBatch } from "../client/commit-batch.ts";
import { batchCommitment } from "../../protocol/batch/layout.ts";
import { type BatchBlob, batchBlob } from "../../protocol/blob/kzg.ts";

export interface TestBatch {
  batchIndex: bigint;
  preStateRoot: bigint;
  postStateRoot: bigint;
  withdrawalsRoot: bigint;
  queueEnd: bigint;
  data: Uint8Array;
}

export const hex32 = (v: bigint) => toBeHex(v, 32);

const blobs = new Map<string, BatchBlob>();

/** The blob of `b`'s data; memoized, as KZG takes seconds and the suites reuse their data. */
export function blobOf(b: TestBatch): BatchBlob {
  const key = Buffer.from(b.data).toString("hex");
  let blob = blobs.get(key);
  if (!blob) blobs.set(key, (blob = batchBlob(b.data)));
  return blob;
}

/** Sends commitBatch for `b` with its blob, from `rollup`'s signer. */
export function commitBatch(rollup: Contract, b: TestBatch): Promise<ContractTransactionResponse> {
  return sendCommitBatch(rollup, b, blobOf(b));
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
    blobOf(b),
  );
}
