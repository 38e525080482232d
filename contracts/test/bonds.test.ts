import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { commitBatch, nextBatch } from "./batch-helpers.ts";
import { advanceTime, deploySystem, prepareArtifacts, proveStub, type System } from "./fixture.ts";

describe("Rollup: operator bonds, unbonding and slashing", () => {
  let s: System;
  let rollup: Contract;

  const l1Params = async (overrides: Record<string, unknown>) => ({
    queueDeadline: s.config.l1.queueDeadlineSeconds,
    sequencer: await s.sequencer.getAddress(),
    minSequencerBond: s.config.l1.minSequencerBond,
    minProverBond: s.config.l1.minProverBond,
    proverRewardPerBatch: s.config.l1.proverRewardPerBatch,
    treasury: s.d.file.contracts.timelock,
    proveTimeout: s.config.l1.proveTimeoutSeconds,
    queueInterval: s.config.l1.queueIntervalSeconds,
    queueFee: s.config.l1.queueFee,
    ...overrides,
  });

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    const timelock = s.d.file.contracts.timelock;
    await s.ethers.provider.send("hardhat_impersonateAccount", [timelock]);
    await s.ethers.provider.send("hardhat_setBalance", [timelock, "0x56BC75E2D63100000"]);
  });
  afterAll(terminateSnarkjsCurve);

  const asTimelock = async (c: Contract) =>
    c.connect(await s.ethers.getSigner(s.d.file.contracts.timelock)) as Contract;

  it("refuses a prover bond below the minimum", async () => {
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 10n)).wait();
    await expect(s.rollupAs(s.alice).getFunction("bond")(10n, true)).rejects.toThrow(/BondTooSmall/);
    await expect(s.rollupAs(s.alice).getFunction("bond")(0n, false)).rejects.toThrow(/ZeroAmount/);
  });

  it("refuses commits from a designated sequencer that has not bonded", async () => {
    const registry = await asTimelock(s.d.paramsRegistry);
    await (
      await registry.getFunction("setL1Params")(await l1Params({ sequencer: await s.alice.getAddress() }))
    ).wait();
    const b = await nextBatch(rollup, { postStateRoot: 3n });
    await expect(commitBatch(s.rollupAs(s.alice), b)).rejects.toThrow(/NotBondedSequencer/);
    await expect(commitBatch(s.rollupAs(s.sequencer), b)).rejects.toThrow(/NotBondedSequencer/);
    await (await registry.getFunction("setL1Params")(await l1Params({}))).wait();
    await (await commitBatch(s.rollupAs(s.sequencer), b)).wait();
  });

  it("keeps the designated sequencer bonded: it cannot unbond", async () => {
    await expect(s.rollupAs(s.sequencer).getFunction("requestUnbond")()).rejects.toThrow(/ActiveSequencer/);
  });

  it("lets governance slash a bond to the treasury, and nobody else", async () => {
    const prover = await s.prover.getAddress();
    await expect(s.rollupAs(s.alice).getFunction("slashBond")(prover, 1n)).rejects.toThrow(/NotGovernance/);
    const before = (await rollup.getFunction("operators")(prover)).bond;
    await (await (await asTimelock(rollup)).getFunction("slashBond")(prover, 5n)).wait();
    const after = await rollup.getFunction("operators")(prover);
    expect(before - after.bond).toBe(5n);
    // Below the minimum prover bond now: it may no longer prove.
    expect(after.prover).toBe(false);
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await expect(s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof)).rejects.toThrow(
      /NotBondedProver/,
    );
  });

  it("unbonds a prover after the delay, not before, and stops it proving at once", async () => {
    await (await s.tokenAs(s.bob).getFunction("approve")(rollup.target, s.config.l1.minProverBond)).wait();
    await (await s.rollupAs(s.bob).getFunction("bond")(s.config.l1.minProverBond, true)).wait();
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.bob).getFunction("requestUnbond")()).wait();
    await expect(s.rollupAs(s.bob).getFunction("proveBatch")(1n, 1, proof)).rejects.toThrow(
      /NotBondedProver/,
    );
    await expect(s.rollupAs(s.bob).getFunction("withdrawBond")()).rejects.toThrow(/BondLocked/);
    await advanceTime(s, s.config.l1.unbondDelaySeconds + 1n);
    const bob = await s.bob.getAddress();
    const before = await s.d.token.getFunction("balanceOf")(bob);
    await (await s.rollupAs(s.bob).getFunction("withdrawBond")()).wait();
    expect((await s.d.token.getFunction("balanceOf")(bob)) - before).toBe(s.config.l1.minProverBond);
    await expect(s.rollupAs(s.bob).getFunction("withdrawBond")()).rejects.toThrow(/NothingToWithdraw/);
  });
});
