import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { SparseMerkleTree } from "../../protocol/smt.ts";
import { withdrawalLeaf } from "../../protocol/state/batch.ts";
import { type BatchRoots, rootsArg } from "../client/batch-roots.ts";
import { COMMIT_BATCH_GAS_LIMIT } from "../client/commit-batch.ts";
import { commitBatch, nextBatch } from "./batch-helpers.ts";
import { advanceTime, deploySystem, prepareArtifacts, proveStub, type System } from "./fixture.ts";
import { RollupStorageWriter } from "./rollup-storage.ts";

/**
 * Issue 19, item 1: a sequencer withholds one batch's witness and gets the next 10,000 proven.
 * When the gap is proven at last, no entry point may have to walk all of them: each
 * transaction's own sync stops after SYNC_STEPS, and syncFinality(n) catches up in bounded
 * chunks. The 10,000 proven batches are written to storage (committing and proving them would
 * take hours); batch 1, the gap, and every call after are real transactions.
 */
describe("Rollup: finality over a backlog of 10,000 proven batches stays bounded", () => {
  const BACKLOG = 10_000n;
  const SYNC_STEPS = 32n;
  /** Gas no entry point but commitBatch may exceed at SYNC_STEPS (a commit has its own limit). */
  const ENTRY_POINT_GAS = 400_000;
  let s: System;
  let rollup: Contract;
  let prover: string;
  let alice: string;
  let tree: SparseMerkleTree;
  const rootsOf = (i: bigint): BatchRoots => ({
    postStateRoot: 1000n + i,
    withdrawalsRoot: i === 2n ? tree.root : 0n,
    queueEnd: 1n,
  });
  const last = BACKLOG + 1n;
  const gasOf = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) =>
    Number((await (await tx).wait())!.gasUsed);

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    prover = await s.prover.getAddress();
    alice = await s.alice.getAddress();
    tree = new SparseMerkleTree({ arity: 2, depth: s.config.protocol.withdrawalsDepth });
    tree.set(0n, withdrawalLeaf({ recipient: alice, amount: 400n }));
    // A deposit backs the withdrawal batch 2 pays; batch 1, the gap, consumes it.
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 650n)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 650n)).wait();
    const gap = await nextBatch(rollup, { postStateRoot: 1001n, queueEnd: 1n });
    await (await commitBatch(s.rollupAs(s.sequencer), gap)).wait();
    // Batches 2 .. 10,001 on top of it, every one proven.
    const w = await RollupStorageWriter.of(s);
    const now = BigInt((await s.ethers.provider.getBlock("latest"))!.timestamp);
    for (let i = 2n; i <= last; i++) await w.proven(i, prover);
    for (const i of [2n, last]) await w.roots(i, rootsOf(i), now);
    await w.head(last, 0n, 1n);
    await w.tipStateRoot(rootsOf(last).postStateRoot);
    const pool = 1_000n * 10n ** 18n;
    await (await s.tokenAs(s.deployer).getFunction("approve")(rollup.target, pool)).wait();
    await (await s.rollupAs(s.deployer).getFunction("fundRewardPool")(pool)).wait();
  }, 600_000);
  afterAll(terminateSnarkjsCurve);

  it("counts at most SYNC_STEPS unsynced proofs in lastFinalizedBatch()", async () => {
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(0n);
    expect(await rollup.getFunction("SYNC_STEPS")()).toBe(SYNC_STEPS);
  });

  it("proves the gap within 230k gas: proveBatch never walks the chain", async () => {
    const proof = await proveStub(s.circuit, await rollup.getFunction("proofInputOf")(1n, prover));
    expect(await gasOf(s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof))).toBeLessThanOrEqual(
      230_000,
    );
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(SYNC_STEPS);
  });

  it("commits the next batch within the poster's gas limit, finalizing SYNC_STEPS of the backlog", async () => {
    const b = await nextBatch(rollup, { postStateRoot: 77n });
    expect(b.batchIndex).toBe(last + 1n);
    const gas = await gasOf(commitBatch(s.rollupAs(s.sequencer), b));
    expect(gas).toBeLessThan(Number(COMMIT_BATCH_GAS_LIMIT));
    expect((await rollup.getFunction("head")()).lastFinalized).toBe(SYNC_STEPS);
  });

  it("pays a withdrawal of a batch in the backlog and prover rewards within bounded gas", async () => {
    const siblings = tree.proof(0n).siblings.map((level) => level[0]!);
    const claim = s.rollupAs(s.bob).getFunction("claimWithdrawal");
    expect(await gasOf(claim(2n, rootsArg(rootsOf(2n)), 0, alice, 400n, siblings))).toBeLessThan(
      ENTRY_POINT_GAS,
    );
    const rewards = s.rollupAs(s.prover).getFunction("claimProverRewards");
    expect(await gasOf(rewards([1n, 2n, 3n]))).toBeLessThan(ENTRY_POINT_GAS);
    // Each of those synced SYNC_STEPS more.
    expect((await rollup.getFunction("head")()).lastFinalized).toBe(3n * SYNC_STEPS);
  });

  it("refuses a freeze or a revert on a finality that is only behind, within bounded gas", async () => {
    const roots = rootsArg(rootsOf(1n));
    for (const method of ["freeze", "revertBatches"]) {
      await expect(
        s.rollupAs(s.bob).getFunction(method).staticCall(roots, { gasLimit: ENTRY_POINT_GAS }),
      ).rejects.toThrow(/FinalitySyncPending/);
    }
  });

  it("catches up with syncFinality(1000) in bounded chunks", async () => {
    const sync = s.rollupAs(s.bob).getFunction("syncFinality");
    let calls = 0;
    while ((await rollup.getFunction("head")()).lastFinalized < last) {
      const gas = await gasOf(sync(1000n));
      // About 2.5k gas a batch (one cold storage read, 2,100, and the loop).
      expect(gas).toBeLessThan(2_700_000);
      calls++;
    }
    expect(calls).toBe(10);
    expect((await rollup.getFunction("head")()).lastFinalized).toBe(last);
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(last);
  });

  it("then reverts or freezes within bounded gas", async () => {
    await (await s.rollupAs(s.bob).getFunction("forceWithdrawal")(1, 5n)).wait();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 10n);
    const roots = rootsArg(rootsOf(last));
    const revertGas = await s.rollupAs(s.bob).getFunction("revertBatches").estimateGas(roots);
    expect(Number(revertGas)).toBeLessThan(ENTRY_POINT_GAS);
    expect(await gasOf(s.rollupAs(s.bob).getFunction("freeze")(roots))).toBeLessThan(ENTRY_POINT_GAS);
    expect(await rollup.getFunction("finalizedStateRoot")()).toBe(rootsArg(rootsOf(last)).postStateRoot);
  });
});
