import type { Contract, Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { SparseMerkleTree } from "../../protocol/smt.ts";
import { withdrawalLeaf } from "../../protocol/state/batch.ts";
import { registriesHash } from "../../protocol/state/leaves.ts";
import { RollupState } from "../../protocol/state/state.ts";
import { OPEN } from "../deploy/config.ts";
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
 * Issue 19, item 4: after a freeze every unit of OPEN the rollup holds goes to an owner who
 * can take it, or to the treasury once the exit window closes. One freeze with every kind of
 * holding: L2 balances and stakes (exits), a withdrawal of a final batch (claim), deposits not
 * processed by a final batch (one consumed by a batch that never became final, refunded; one
 * its sender never claims back), OPEN on L2 that no exit pays (contribution stakes, model
 * escrow, burnt fees), the prover reward pool, three bonds (the slashed sequencer's, an
 * innocent designated sequencer's, a prover's) and OPEN sent to the contract by mistake. At
 * the end the rollup holds nothing, and each party got its due.
 */
describe("Rollup: every unit of OPEN gets out after a freeze", () => {
  let s: System;
  let rollup: Contract;
  let state: RollupState;
  let tree: SparseMerkleTree;
  let final: TestBatch;
  let sequencerB: Signer;
  let alice: string;
  let bob: string;
  let treasury: string;

  // L2, after batch 1: alice deposited 1,500; her account holds 800 + 200 staked, she withdrew
  // 100, and 400 sit where no exit reaches (contribution stakes, model escrow, burnt fees).
  const DEPOSIT_ALICE = 1_500n;
  const DEPOSIT_BOB = 300n;
  /** A deposit queued just before the freeze, whose sender never asks for it back. */
  const FORGOTTEN = 42n;
  const WITHDRAWN = 100n;
  const EXITABLE = 1_000n;
  const UNREACHABLE = DEPOSIT_ALICE - WITHDRAWN - EXITABLE;
  const POOL = 100n * OPEN;
  const STRAY = 7n;

  const balanceOf = (who: string) => s.d.token.getFunction("balanceOf")(who) as Promise<bigint>;
  const held = () => balanceOf(String(rollup.target));
  const withdrawalArgs = () =>
    [1n, rootsArgOf(final), 0, alice, WITHDRAWN, tree.proof(0n).siblings.map((level) => level[0]!)] as const;
  const exitArgs = () => {
    const account = state.accounts.get(1)!;
    return [
      1,
      {
        publicKeyX: account.publicKey.x,
        publicKeyY: account.publicKey.y,
        l1Address: BigInt(account.l1Address),
        packed: account.balance | (BigInt(account.nonce) << 96n) | (account.staked << 128n),
      },
      state.proof("accounts", 1).siblings.map((level) => [...level]),
      registriesHash(state.roots()),
    ] as const;
  };
  const deposit = async (who: Signer, amount: bigint) => {
    await (await s.tokenAs(who).getFunction("approve")(rollup.target, amount)).wait();
    await (await s.rollupAs(who).getFunction("deposit")(0, BASE8.x, BASE8.y, amount)).wait();
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    alice = await s.alice.getAddress();
    bob = await s.bob.getAddress();
    treasury = s.d.file.contracts.timelock;
    sequencerB = devWallet(5).connect(s.ethers.provider);
    await s.ethers.provider.send("hardhat_impersonateAccount", [treasury]);
    await s.ethers.provider.send("hardhat_setBalance", [treasury, "0x56BC75E2D63100000"]);
    state = new RollupState({
      domain: { chainId: BigInt(s.d.file.chainId), rollup: String(rollup.target) },
      params: s.config.protocol,
      governance: s.config.governance,
    });
    tree = new SparseMerkleTree({ arity: 2, depth: s.config.protocol.withdrawalsDepth });
    tree.set(0n, withdrawalLeaf({ recipient: alice, amount: WITHDRAWN }));

    await (await s.tokenAs(s.deployer).getFunction("approve")(rollup.target, POOL)).wait();
    await (await s.rollupAs(s.deployer).getFunction("fundRewardPool")(POOL)).wait();
    await (await s.tokenAs(s.deployer).getFunction("transfer")(rollup.target, STRAY)).wait();
    await deposit(s.alice, DEPOSIT_ALICE);
    await deposit(s.bob, DEPOSIT_BOB);
    await deposit(s.bob, FORGOTTEN);

    // Batch 1 consumes alice's deposit and is proven; batch 2 consumes bob's and never is.
    state.setAccount(1, { publicKey: BASE8, l1Address: alice, balance: 800n, nonce: 4, staked: 200n });
    final = await nextBatch(rollup, {
      postStateRoot: state.root(),
      withdrawalsRoot: tree.root,
      queueEnd: 1n,
    });
    await (await commitBatch(s.rollupAs(s.sequencer), final)).wait();
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof)).wait();
    const unproven = await nextBatch(rollup, { postStateRoot: 5n, queueEnd: 2n });
    await (await commitBatch(s.rollupAs(s.sequencer), unproven)).wait();

    // Governance designates sequencer B, which bonds: it has done nothing wrong.
    const bond = s.config.l1.minSequencerBond;
    await (await s.tokenAs(s.deployer).getFunction("transfer")(await sequencerB.getAddress(), bond)).wait();
    await setL1Params(s, { sequencer: await sequencerB.getAddress(), minSequencerBond: bond });
    await bondOperator(s.d.token, rollup, sequencerB, bond, false);
  });
  afterAll(terminateSnarkjsCurve);

  it("holds deposits, bonds, the reward pool and stray OPEN, and knows what it owes operators", async () => {
    const bonds = 2n * s.config.l1.minSequencerBond + s.config.l1.minProverBond;
    expect(await rollup.getFunction("bondsTotal")()).toBe(bonds);
    expect(await held()).toBe(DEPOSIT_ALICE + DEPOSIT_BOB + FORGOTTEN + bonds + POOL + STRAY);
  });

  it("freezes on bob's deposit, slashing only the sequencer whose batch was never proven", async () => {
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    const before = await balanceOf(treasury);
    await (await s.rollupAs(s.bob).getFunction("freeze")(rootsArgOf(final))).wait();
    expect((await balanceOf(treasury)) - before).toBe(s.config.l1.minSequencerBond);
    expect(await rollup.getFunction("bondsTotal")()).toBe(
      s.config.l1.minSequencerBond + s.config.l1.minProverBond,
    );
    await expect(s.rollupAs(s.deployer).getFunction("fundRewardPool")(1n)).rejects.toThrow(/Frozen/);
  });

  it("pays alice her withdrawal and her exit, each once: no double payment", async () => {
    const before = await balanceOf(alice);
    await (await s.rollupAs(s.bob).getFunction("claimWithdrawal")(...withdrawalArgs())).wait();
    await (await s.rollupAs(s.bob).getFunction("exit")(...exitArgs())).wait();
    expect((await balanceOf(alice)) - before).toBe(WITHDRAWN + EXITABLE);
    await expect(rollup.getFunction("claimWithdrawal")(...withdrawalArgs())).rejects.toThrow(
      /AlreadyClaimed/,
    );
    await expect(rollup.getFunction("exit")(...exitArgs())).rejects.toThrow(/AlreadyExited/);
  });

  it("refunds bob's deposit, which a batch had consumed but no final batch", async () => {
    const before = await balanceOf(bob);
    const refund = s.rollupAs(s.deployer).getFunction("refundDeposit");
    await (await refund(1, 0, bob, BASE8.x, BASE8.y, DEPOSIT_BOB)).wait();
    expect((await balanceOf(bob)) - before).toBe(DEPOSIT_BOB);
    await expect(refund(1, 0, bob, BASE8.x, BASE8.y, DEPOSIT_BOB)).rejects.toThrow(/NotRefundable/);
  });

  it("pays the prover its reward, and lets the innocent designated sequencer and the prover unbond", async () => {
    const prover = await s.prover.getAddress();
    const before = await balanceOf(prover);
    await (await s.rollupAs(s.prover).getFunction("claimProverRewards")([1n])).wait();
    expect((await balanceOf(prover)) - before).toBe(s.config.l1.proverRewardPerBatch);
    await (await s.rollupAs(s.prover).getFunction("requestUnbond")()).wait();
    // Designated, yet free to go: the freeze ended its duty.
    await (await s.rollupAs(sequencerB).getFunction("requestUnbond")()).wait();
  });

  it("sends the treasury nothing before the exit window closes", async () => {
    await expect(rollup.getFunction("sweepToTreasury")()).rejects.toThrow(/ExitWindowOpen/);
  });

  it("after the window, sweeps what no one claimed to the treasury and keeps the bonds", async () => {
    await advanceTime(s, s.config.l1.exitWindowSeconds + 1n);
    const before = await balanceOf(treasury);
    await (await s.rollupAs(s.bob).getFunction("sweepToTreasury")()).wait();
    const swept = (await balanceOf(treasury)) - before;
    expect(swept).toBe(UNREACHABLE + FORGOTTEN + (POOL - s.config.l1.proverRewardPerBatch) + STRAY);
    expect(await held()).toBe(s.config.l1.minSequencerBond + s.config.l1.minProverBond);
    expect(await rollup.getFunction("rewardPool")()).toBe(0n);
    // Exits, claims, refunds and rewards are closed: what they could still pay is the treasury's.
    await expect(rollup.getFunction("exit")(...exitArgs())).rejects.toThrow(/ExitWindowClosed/);
    await expect(rollup.getFunction("refundDeposit")(2, 0, bob, BASE8.x, BASE8.y, FORGOTTEN)).rejects.toThrow(
      /ExitWindowClosed/,
    );
    await expect(rollup.getFunction("claimWithdrawal")(...withdrawalArgs())).rejects.toThrow(
      /ExitWindowClosed/,
    );
    await expect(s.rollupAs(s.prover).getFunction("claimProverRewards")([1n])).rejects.toThrow(
      /ExitWindowClosed/,
    );
    // A second sweep finds nothing more to take.
    await (await rollup.getFunction("sweepToTreasury")()).wait();
    expect(await balanceOf(treasury)).toBe(before + swept);
  });

  it("still returns the bonds: the rollup ends holding nothing", async () => {
    for (const operator of [s.prover, sequencerB]) {
      const address = await operator.getAddress();
      const before = await balanceOf(address);
      await (await s.rollupAs(operator).getFunction("withdrawBond")()).wait();
      expect((await balanceOf(address)) - before).toBeGreaterThan(0n);
    }
    expect(await rollup.getFunction("bondsTotal")()).toBe(0n);
    expect(await held()).toBe(0n);
  });
});
