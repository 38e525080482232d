import type { Contract, Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { genesisRoots, rootsArg } from "../client/batch-roots.ts";
import { bondOperator } from "../deploy/bootstrap.ts";
import { devWallet } from "../deploy/dev-accounts.ts";
import { commitBatch, nextBatch, rootsArgOf, type TestBatch } from "./batch-helpers.ts";
import {
  advanceTime,
  deploySystem,
  prepareArtifacts,
  proveStub,
  setL1Params,
  type System,
} from "./fixture.ts";

/**
 * Issue 19, item 3: a batch committed in time whose transition is invalid or whose witness is
 * withheld used to stop finality for good, at no cost to its sequencer. Now the oldest
 * unproven batch must be proven within proveTimeout of its commit; past that anyone reverts it
 * and every batch after it, and the sequencer that committed it (not whoever is designated
 * now) loses its bond.
 */
describe("Rollup: a batch nobody proves in time is reverted and its sequencer slashed", () => {
  let s: System;
  let rollup: Contract;
  let sequencerA: string;
  let sequencerB: Signer;
  let treasury: string;
  let genesis: ReturnType<typeof rootsArg>;
  let withheld: TestBatch;

  const setSequencer = (sequencer: string) => setL1Params(s, { sequencer });
  const prove = async (i: bigint) => {
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(i, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(i, 1, proof)).wait();
  };
  const bondOf = async (who: string) => (await rollup.getFunction("operators")(who)).bond as bigint;
  const balanceOf = (who: string) => s.d.token.getFunction("balanceOf")(who) as Promise<bigint>;

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    sequencerA = await s.sequencer.getAddress();
    sequencerB = devWallet(5).connect(s.ethers.provider);
    treasury = s.d.file.contracts.timelock;
    genesis = rootsArg(genesisRoots(BigInt(s.d.file.genesisStateRoot)));
    await s.ethers.provider.send("hardhat_impersonateAccount", [treasury]);
    await s.ethers.provider.send("hardhat_setBalance", [treasury, "0x56BC75E2D63100000"]);
    await (
      await s.tokenAs(s.deployer).getFunction("transfer")(
        await sequencerB.getAddress(),
        s.config.l1.minSequencerBond,
      )
    ).wait();
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 100n)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 100n)).wait();
  });
  afterAll(terminateSnarkjsCurve);

  it("records each batch's commit time and committer; a proven batch behind the withheld one does not finalize", async () => {
    // Sequencer A commits batch 1 (the deposit) and keeps its witness; batch 2 gets proven.
    withheld = await nextBatch(rollup, { postStateRoot: 11n, queueEnd: 1n });
    const receipt = await (await commitBatch(s.rollupAs(s.sequencer), withheld)).wait();
    const committedAt = BigInt((await s.ethers.provider.getBlock(receipt!.blockNumber))!.timestamp);
    const b2 = await nextBatch(rollup, { postStateRoot: 12n });
    await (await commitBatch(s.rollupAs(s.sequencer), b2)).wait();
    await prove(2n);
    const stored = await rollup.getFunction("batch")(1n);
    expect(stored.committedAt).toBe(committedAt);
    expect(stored.committer).toBe(sequencerA);
    expect(stored.circuitId).toBe(1n);
    expect(await rollup.getFunction("proofDueAt")(1n)).toBe(
      stored.committedAt + s.config.l1.proveTimeoutSeconds,
    );
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(0n);
  });

  it("refuses to revert a batch still within its proof window", async () => {
    await expect(s.rollupAs(s.bob).getFunction("revertBatches")(genesis)).rejects.toThrow(/ProofNotOverdue/);
  });

  it("reverts the batches from the overdue one on and slashes its committer, not the sequencer designated now", async () => {
    // Governance replaces A by B, who bonds and commits batch 3 on top.
    await setSequencer(await sequencerB.getAddress());
    await bondOperator(s.d.token, rollup, sequencerB, s.config.l1.minSequencerBond, false);
    await (await commitBatch(s.rollupAs(sequencerB), await nextBatch(rollup, { postStateRoot: 13n }))).wait();
    expect((await rollup.getFunction("batch")(3n)).committer).toBe(await sequencerB.getAddress());
    await advanceTime(s, s.config.l1.proveTimeoutSeconds + 1n);

    const revert = s.rollupAs(s.bob).getFunction("revertBatches");
    await expect(revert(rootsArgOf(withheld))).rejects.toThrow(/WrongBatchRoots/);
    const before = await balanceOf(treasury);
    const receipt = await (await revert(genesis)).wait();
    const event = receipt.logs
      .map((l: Parameters<Contract["interface"]["parseLog"]>[0]) => rollup.interface.parseLog(l))
      .find((e: { name: string } | null) => e?.name === "BatchesReverted");
    expect([...event.args]).toEqual([1n, 3n, sequencerA]);
    expect((await balanceOf(treasury)) - before).toBe(s.config.l1.minSequencerBond);
    expect(await bondOf(sequencerA)).toBe(0n);
    expect(await bondOf(await sequencerB.getAddress())).toBe(s.config.l1.minSequencerBond);

    // The chain is back at genesis; the deposit is pending again.
    const head = await rollup.getFunction("head")();
    expect([head.lastCommitted, head.lastFinalized, head.queueCommitted]).toEqual([0n, 0n, 0n]);
    expect(await rollup.getFunction("committedStateRoot")()).toBe(s.d.file.genesisStateRoot);
    expect((await rollup.getFunction("batch")(2n)).rootsHash).toBe(`0x${"0".repeat(64)}`);
    expect(await rollup.getFunction("commitmentOf")(1n)).toBe(0n);
    await expect(revert(genesis)).rejects.toThrow(/NothingToRevert/);
  });

  it("lets the designated sequencer commit the queue again on top of the last final batch", async () => {
    const again = await nextBatch(rollup, { postStateRoot: 21n, queueEnd: 1n });
    expect(again.batchIndex).toBe(1n);
    await (await commitBatch(s.rollupAs(sequencerB), again)).wait();
    expect((await rollup.getFunction("batch")(1n)).committer).toBe(await sequencerB.getAddress());
    await prove(1n);
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(1n);
    // A's own batches are gone for good: the stale proof of old batch 2 counts for nothing.
    expect((await rollup.getFunction("head")()).lastCommitted).toBe(1n);
  });
});
