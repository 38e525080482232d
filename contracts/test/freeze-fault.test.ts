import type { Signer } from "ethers";
import { afterAll, describe, expect, it } from "vitest";
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
 * Who pays for a freeze: each sequencer that failed a duty, and only for a failure that still
 * matters. Each case gets its own deployment: a freeze ends the rollup.
 */
describe("Rollup: a freeze slashes the sequencer at fault, for a fault that still matters", () => {
  afterAll(terminateSnarkjsCurve);

  const DAY = 86_400n;

  /** A deployment with one deposit queued. */
  async function withDeposit(): Promise<System> {
    const s = await deploySystem(await prepareArtifacts());
    await deposit(s);
    const timelock = s.d.file.contracts.timelock;
    await s.ethers.provider.send("hardhat_impersonateAccount", [timelock]);
    await s.ethers.provider.send("hardhat_setBalance", [timelock, "0x56BC75E2D63100000"]);
    return s;
  }
  const deposit = async (s: System) => {
    await (await s.tokenAs(s.alice).getFunction("approve")(s.d.rollup.target, 100n)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 100n)).wait();
  };
  const commitQueue = async (s: System, who: Signer = s.sequencer) => {
    const queueEnd = await s.d.rollup.getFunction("queueLength")();
    const b = await nextBatch(s.d.rollup, { postStateRoot: 11n + queueEnd, queueEnd });
    await (await commitBatch(s.rollupAs(who), b)).wait();
    return b;
  };
  const prove = async (s: System, b: TestBatch) => {
    const proof = await proveStub(
      s.circuit,
      await s.d.rollup.getFunction("proofInputOf")(b.batchIndex, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(b.batchIndex, 1, proof)).wait();
  };
  /** A second sequencer, designated by governance and bonded. */
  const designateAnother = async (s: System) => {
    const other = devWallet(5).connect(s.ethers.provider);
    const amount = s.config.l1.minSequencerBond;
    await (await s.tokenAs(s.deployer).getFunction("transfer")(await other.getAddress(), amount)).wait();
    await setL1Params(s, { sequencer: await other.getAddress() });
    await bondOperator(s.d.token, s.d.rollup, other, amount, false);
    return other;
  };
  const bondOf = async (s: System, who: Signer) =>
    (await s.d.rollup.getFunction("operators")(await who.getAddress())).bond as bigint;
  /** Freezes against `finalized` (genesis by default) and returns what the treasury received. */
  const freezeAndSlashed = async (s: System, finalized?: TestBatch) => {
    const treasury = s.d.file.contracts.timelock;
    const before = await s.d.token.getFunction("balanceOf")(treasury);
    const roots = finalized
      ? rootsArgOf(finalized)
      : rootsArg(genesisRoots(BigInt(s.d.file.genesisStateRoot)));
    await (await s.rollupAs(s.bob).getFunction("freeze")(roots)).wait();
    expect((await s.d.rollup.getFunction("head")()).frozen).toBe(true);
    return (await s.d.token.getFunction("balanceOf")(treasury)) - before;
  };

  it("slashes when the expired operation was never committed", async () => {
    const s = await withDeposit();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    expect(await freezeAndSlashed(s)).toBe(s.config.l1.minSequencerBond);
  });

  it("slashes the sequencer that committed in time a batch it never got proven (its witness withheld)", async () => {
    const s = await withDeposit();
    await commitQueue(s);
    expect(await s.d.rollup.getFunction("lastLateBatch")()).toBe(0n);
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    // Its proof was due proveTimeout after the commit, before the deposit's deadline.
    expect(await freezeAndSlashed(s)).toBe(s.config.l1.minSequencerBond);
  });

  it("slashes the sequencer that committed late, not the one designated at the freeze", async () => {
    const s = await withDeposit();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    await commitQueue(s);
    expect(await s.d.rollup.getFunction("lastLateBatch")()).toBe(1n);
    const other = await designateAnother(s);
    expect(await freezeAndSlashed(s)).toBe(s.config.l1.minSequencerBond);
    expect(await bondOf(s, s.sequencer)).toBe(0n);
    expect(await bondOf(s, other)).toBe(s.config.l1.minSequencerBond);
  });

  it("counts a commit late when too little of the deadline is left for its proof", async () => {
    const s = await withDeposit();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds - s.config.l1.proveTimeoutSeconds + 5n);
    await commitQueue(s);
    expect(await s.d.rollup.getFunction("lastLateBatch")()).toBe(1n);
  });

  it("forgets a late commit once its batch is final: a later freeze without fault slashes no one", async () => {
    const s = await withDeposit();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    const late = await commitQueue(s);
    await prove(s, late);
    expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(1n);
    expect(await s.d.rollup.getFunction("lastLateBatch")()).toBe(0n);
    // A new deposit, committed at once; then governance grants batches 10 days to be proven
    // (and operations 30 days), so the commit's proof is not overdue when the deposit expires.
    await deposit(s);
    await commitQueue(s);
    await setL1Params(s, { queueDeadline: 30n * DAY, proveTimeout: 10n * DAY });
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    expect(await freezeAndSlashed(s, late)).toBe(0n);
    expect(await bondOf(s, s.sequencer)).toBe(s.config.l1.minSequencerBond);
  });
});
