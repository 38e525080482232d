import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { OPEN } from "../deploy/config.ts";
import { commitBatch, nextBatch } from "./batch-helpers.ts";
import { advanceTime, deploySystem, prepareArtifacts, setL1Params, type System } from "./fixture.ts";

/**
 * Issue 19, item 2: forced withdrawals cost nothing but gas, and enough of them in one deadline
 * window used to outrun any sequencer: a freeze, and its bond slashed, at the spammer's whim.
 * Now every deposit and forced withdrawal pays queueFee to the treasury, and deadlines are
 * spaced queueInterval apart, so a sequencer that consumes one operation per interval is
 * never late, however many arrive at once; a burst only delays later deadlines, at a price.
 */
describe("Rollup: queued operations pay a fee and get deadlines the sequencer can meet", () => {
  const FEE = 5n * OPEN;
  const INTERVAL = 60n;
  const SPAM = 40;
  let s: System;
  let rollup: Contract;
  let treasury: string;

  const balanceOf = (who: string) => s.d.token.getFunction("balanceOf")(who) as Promise<bigint>;

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    treasury = s.d.file.contracts.timelock;
    await s.ethers.provider.send("hardhat_impersonateAccount", [treasury]);
    await s.ethers.provider.send("hardhat_setBalance", [treasury, "0x56BC75E2D63100000"]);
    await setL1Params(s, { queueInterval: INTERVAL, queueFee: FEE });
  });
  afterAll(terminateSnarkjsCurve);

  it("refuses a forced withdrawal or a deposit that does not pay the fee", async () => {
    await expect(s.rollupAs(s.bob).getFunction("forceWithdrawal")(1, 1n)).rejects.toThrow(
      /ERC20InsufficientAllowance/,
    );
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 100n)).wait();
    await expect(s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 100n)).rejects.toThrow(
      /ERC20InsufficientAllowance/,
    );
    expect(await rollup.getFunction("queueLength")()).toBe(0n);
  });

  it("charges a burst of forced withdrawals the fee each and spaces their deadlines", async () => {
    const before = await balanceOf(treasury);
    await (await s.tokenAs(s.bob).getFunction("approve")(rollup.target, BigInt(SPAM) * FEE)).wait();
    for (let i = 0; i < SPAM; i++) {
      await (await s.rollupAs(s.bob).getFunction("forceWithdrawal")(7, 1n)).wait();
    }
    expect((await balanceOf(treasury)) - before).toBe(BigInt(SPAM) * FEE);
    const deadlineOf = rollup.getFunction("deadlineOf");
    for (let i = 1; i < SPAM; i++) {
      expect((await deadlineOf(i)) - (await deadlineOf(i - 1))).toBeGreaterThanOrEqual(INTERVAL);
    }
    // A deposit after the burst pays the fee too and waits its turn.
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 100n + FEE)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 100n)).wait();
    expect((await balanceOf(treasury)) - before).toBe(BigInt(SPAM + 1) * FEE);
    expect(await deadlineOf(SPAM)).toBe((await deadlineOf(SPAM - 1)) + INTERVAL);
  });

  it("lets a sequencer consuming one operation per interval commit every one in time", async () => {
    const sequencer = s.rollupAs(s.sequencer);
    for (let end = 1n; end <= BigInt(SPAM + 1); end++) {
      await advanceTime(s, INTERVAL);
      await (
        await commitBatch(sequencer, await nextBatch(rollup, { postStateRoot: end, queueEnd: end }))
      ).wait();
      // Late: the operation's deadline leaves less than proveTimeout for the batch's proof.
      expect(await rollup.getFunction("lastLateBatch")()).toBe(0n);
    }
  });
});
