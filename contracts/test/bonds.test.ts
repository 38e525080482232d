import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { commitBatch, nextBatch } from "./batch-helpers.ts";
import {
  advanceTime,
  asTimelock,
  deploySystem,
  prepareArtifacts,
  proveStub,
  setL1Params,
  type System,
} from "./fixture.ts";

describe("Rollup: operator bonds, unbonding and slashing", () => {
  let s: System;
  let rollup: Contract;

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
  });
  afterAll(terminateSnarkjsCurve);

  it("refuses a prover bond below the minimum", async () => {
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 10n)).wait();
    await expect(s.rollupAs(s.alice).getFunction("bond")(10n, true)).rejects.toThrow(/BondTooSmall/);
    await expect(s.rollupAs(s.alice).getFunction("bond")(0n, false)).rejects.toThrow(/ZeroAmount/);
  });

  it("refuses commits from a designated sequencer that has not bonded", async () => {
    await setL1Params(s, { sequencer: await s.alice.getAddress() });
    const b = await nextBatch(rollup, { postStateRoot: 3n });
    await expect(commitBatch(s.rollupAs(s.alice), b)).rejects.toThrow(/NotBondedSequencer/);
    await expect(commitBatch(s.rollupAs(s.sequencer), b)).rejects.toThrow(/NotBondedSequencer/);
    await setL1Params(s);
    await (await commitBatch(s.rollupAs(s.sequencer), b)).wait();
  });

  it("keeps the designated sequencer bonded: it cannot unbond", async () => {
    await expect(s.rollupAs(s.sequencer).getFunction("requestUnbond")()).rejects.toThrow(/ActiveSequencer/);
  });

  it("lets governance slash a bond to the treasury, and nobody else", async () => {
    const prover = await s.prover.getAddress();
    await expect(s.rollupAs(s.alice).getFunction("slashBond")(prover, 1n)).rejects.toThrow(/NotGovernance/);
    const before = (await rollup.getFunction("operators")(prover)).bond;
    await (await (await asTimelock(s, rollup)).getFunction("slashBond")(prover, 5n)).wait();
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
