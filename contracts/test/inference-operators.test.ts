import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { operatorSlashProposal } from "../client/operator-slash.ts";
import { InferenceOperatorList } from "../client/inference-operators.ts";
import { bondOperator } from "../deploy/bootstrap.ts";
import { advanceTime, asTimelock, deploySystem, prepareArtifacts, type System } from "./fixture.ts";
import { passProposal } from "./governance-helpers.ts";

const EVIDENCE = `0x${"ab".repeat(32)}`;

/** Compute operators: listed on their rollup bond, delisted on unbonding, slashed by governance with evidence. */
describe("InferenceOperators: listing and slashing compute operators", () => {
  let s: System;
  let operators: Contract;
  let list: InferenceOperatorList;
  let alice: string;
  let bob: string;
  const gas: Record<string, bigint> = {};

  const as = (signer: System["alice"]) => operators.connect(signer) as Contract;
  const gasOf = async (name: string, tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => {
    gas[name] = (await (await tx).wait())!.gasUsed;
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    operators = s.d.inferenceOperators;
    list = new InferenceOperatorList(String(operators.target), s.ethers.provider);
    [alice, bob] = await Promise.all([s.alice.getAddress(), s.bob.getAddress()]);
    // The treasury (the deployer in dev) votes with its own OPEN.
    await (await s.tokenAs(s.deployer).getFunction("delegate")(await s.deployer.getAddress())).wait();
  });
  afterAll(async () => {
    console.log(
      "InferenceOperators gas:",
      Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])),
    );
    await terminateSnarkjsCurve();
  });

  it("refuses to list an operator without a bond, or with one below the minimum", async () => {
    await expect(as(s.alice).getFunction("list")()).rejects.toThrow(/NotBonded/);
    await bondOperator(s.d.token, s.d.rollup, s.alice, s.config.l1.minProverBond - 1n, false);
    await expect(as(s.alice).getFunction("list")()).rejects.toThrow(/NotBonded/);
    expect(await list.isListed(alice)).toBe(false);
    expect(await operators.getFunction("served")(alice)).toBe(false);
  });

  it("lists a bonded operator once, on its rollup bond", async () => {
    await bondOperator(s.d.token, s.d.rollup, s.alice, 1n, false);
    await gasOf("list", as(s.alice).getFunction("list")());
    expect(await list.isListed(alice)).toBe(true);
    expect(await list.listed()).toEqual([alice]);
    await expect(as(s.alice).getFunction("list")()).rejects.toThrow(/AlreadyListed/);
    // Nobody else may take a bonded operator off the list.
    await expect(as(s.bob).getFunction("delist")(alice)).rejects.toThrow(/StillBonded/);
  });

  it("lets only governance record a slash, with evidence, of an operator that served", async () => {
    await expect(as(s.alice).getFunction("recordSlash")(alice, 1n, EVIDENCE)).rejects.toThrow(
      /NotGovernance/,
    );
    await expect(s.rollupAs(s.alice).getFunction("slashBond")(alice, 1n)).rejects.toThrow(/NotGovernance/);
    const timelock = await asTimelock(s, operators);
    await expect(timelock.getFunction("recordSlash")(bob, 1n, EVIDENCE)).rejects.toThrow(/NeverServed/);
    await expect(timelock.getFunction("recordSlash")(alice, 1n, `0x${"00".repeat(32)}`)).rejects.toThrow(
      /NoEvidence/,
    );
  });

  it("slashes a listed operator through a governance proposal: bond to the treasury, evidence in the event, delisted", async () => {
    const amount = 1_000n * 10n ** 18n;
    const treasury = s.d.file.contracts.timelock;
    const bondBefore = (await s.d.rollup.getFunction("operators")(alice)).bond as bigint;
    const treasuryBefore = (await s.d.token.getFunction("balanceOf")(treasury)) as bigint;
    const p = operatorSlashProposal({
      rollup: String(s.d.rollup.target),
      operators: String(operators.target),
      operator: alice,
      amount,
      inference: 7,
      attestation: EVIDENCE,
    });
    const from = await s.ethers.provider.getBlockNumber();
    await passProposal(s.d.governor.connect(s.deployer) as Contract, s.ethers.provider, s.config.dao, p);
    expect((await s.d.rollup.getFunction("operators")(alice)).bond).toBe(bondBefore - amount);
    expect(await s.d.token.getFunction("balanceOf")(treasury)).toBe(treasuryBefore + amount);
    const [event] = await operators.queryFilter(operators.filters.OperatorSlashed!(alice), from);
    expect(event && "args" in event ? [...event.args] : []).toEqual([
      alice,
      7n,
      EVIDENCE,
      bondBefore - amount,
    ]);
    // Below the minimum now: off the list, and serve refuses it (isListed).
    expect(await list.isListed(alice)).toBe(false);
    expect(await list.listed()).toEqual([]);
  });

  it("delists an unbonding operator, which governance can still slash during the delay", async () => {
    await bondOperator(s.d.token, s.d.rollup, s.bob, s.config.l1.minProverBond, false);
    await (await as(s.bob).getFunction("list")()).wait();
    await (await s.rollupAs(s.bob).getFunction("requestUnbond")()).wait();
    expect(await list.isListed(bob)).toBe(false);
    await gasOf("delist", as(s.alice).getFunction("delist")(bob));
    expect(await list.listed()).toEqual([]);
    await expect(as(s.bob).getFunction("list")()).rejects.toThrow(/NotBonded/);

    const before = (await s.d.rollup.getFunction("operators")(bob)).bond as bigint;
    const rollup = await asTimelock(s, s.d.rollup);
    await gasOf("slashBond", rollup.getFunction("slashBond")(bob, 5n));
    await gasOf(
      "recordSlash",
      (await asTimelock(s, operators)).getFunction("recordSlash")(bob, 3n, EVIDENCE),
    );
    expect((await s.d.rollup.getFunction("operators")(bob)).bond).toBe(before - 5n);
    // The rest comes back after the delay, by the rollup's own rules.
    await advanceTime(s, s.config.l1.unbondDelaySeconds + 1n);
    const balance = (await s.d.token.getFunction("balanceOf")(bob)) as bigint;
    await (await s.rollupAs(s.bob).getFunction("withdrawBond")()).wait();
    expect(await s.d.token.getFunction("balanceOf")(bob)).toBe(balance + before - 5n);
  });
});
