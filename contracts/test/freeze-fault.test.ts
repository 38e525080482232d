import { afterAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { genesisRoots, rootsArg } from "../client/batch-roots.ts";
import { commitBatch, nextBatch } from "./batch-helpers.ts";
import { advanceTime, deploySystem, prepareArtifacts, type System } from "./fixture.ts";

/**
 * Who pays for a freeze: the sequencer's bond only when committing was late. Each case gets its
 * own deployment: a freeze ends the rollup.
 */
describe("Rollup: a freeze slashes the sequencer only for its own delay", () => {
  afterAll(terminateSnarkjsCurve);

  /** A deployment with one deposit queued. */
  async function withDeposit(): Promise<System> {
    const s = await deploySystem(await prepareArtifacts());
    await (await s.tokenAs(s.alice).getFunction("approve")(s.d.rollup.target, 100n)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 100n)).wait();
    return s;
  }
  const commitDeposit = async (s: System) => {
    const b = await nextBatch(s.d.rollup, { postStateRoot: 11n, queueEnd: 1n });
    await (await commitBatch(s.rollupAs(s.sequencer), b)).wait();
  };
  /** Freezes against genesis (nothing is finalized) and returns what the treasury received. */
  const freezeAndSlashed = async (s: System) => {
    const treasury = s.d.file.contracts.timelock;
    const before = await s.d.token.getFunction("balanceOf")(treasury);
    const genesis = rootsArg(genesisRoots(BigInt(s.d.file.genesisStateRoot)));
    await (await s.rollupAs(s.bob).getFunction("freeze")(genesis)).wait();
    expect((await s.d.rollup.getFunction("head")()).frozen).toBe(true);
    return (await s.d.token.getFunction("balanceOf")(treasury)) - before;
  };

  it("freezes without slashing when the sequencer committed in time and the proof came too late", async () => {
    const s = await withDeposit();
    await commitDeposit(s);
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    expect((await s.d.rollup.getFunction("head")()).sequencerLate).toBe(false);
    expect(await freezeAndSlashed(s)).toBe(0n);
    expect((await s.d.rollup.getFunction("operators")(await s.sequencer.getAddress())).bond).toBe(
      s.config.l1.minSequencerBond,
    );
  });

  it("slashes when the expired operation was never committed", async () => {
    const s = await withDeposit();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    expect(await freezeAndSlashed(s)).toBe(s.config.l1.minSequencerBond);
  });

  it("slashes when the sequencer committed the operation only after its deadline", async () => {
    const s = await withDeposit();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    await commitDeposit(s);
    expect((await s.d.rollup.getFunction("head")()).sequencerLate).toBe(true);
    expect(await freezeAndSlashed(s)).toBe(s.config.l1.minSequencerBond);
  });
});
