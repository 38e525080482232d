import { type Contract, Signature } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { poseidon } from "../../protocol/poseidon.ts";
import { deploySystem, prepareArtifacts, type System } from "./fixture.ts";
import { passProposal } from "./governance-helpers.ts";

describe("OPEN token and governance: Governor, timelock, parameters and verifier registries", () => {
  let s: System;
  let registry: Contract;
  let rollup: Contract;
  let timelock: string;

  /** Runs one proposal through propose, vote, queue and execute. */
  const govern = (targets: string[], calldatas: string[], description: string) =>
    passProposal(s.d.governor.connect(s.deployer) as Contract, s.ethers.provider, s.config.dao, {
      targets,
      values: targets.map(() => 0n),
      calldatas,
      description,
    });

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    registry = s.d.paramsRegistry;
    rollup = s.d.rollup;
    timelock = s.d.file.contracts.timelock;
    // The treasury (the deployer in dev) votes with its own OPEN.
    await (await s.tokenAs(s.deployer).getFunction("delegate")(await s.deployer.getAddress())).wait();
  });
  afterAll(terminateSnarkjsCurve);

  it("mints the fixed supply once, to the treasury", async () => {
    expect(await s.d.token.getFunction("totalSupply")()).toBe(s.config.token.supply);
    expect(await s.d.token.getFunction("symbol")()).toBe("OPEN");
  });

  it("accepts an EIP-2612 permit signed by the holder", async () => {
    const owner = await s.alice.getAddress();
    const spender = await s.bob.getAddress();
    const { chainId } = await s.ethers.provider.getNetwork();
    const deadline = 2n ** 40n;
    const signature = Signature.from(
      await s.alice.signTypedData(
        { name: "OpenLedger", version: "1", chainId, verifyingContract: String(s.d.token.target) },
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner, spender, value: 77n, nonce: 0n, deadline },
      ),
    );
    await (
      await s.tokenAs(s.bob).getFunction("permit")(
        owner,
        spender,
        77n,
        deadline,
        signature.v,
        signature.r,
        signature.s,
      )
    ).wait();
    expect(await s.d.token.getFunction("allowance")(owner, spender)).toBe(77n);
  });

  it("gives the timelock alone the power over parameters, verifiers and bonds", async () => {
    const r = registry.connect(s.deployer) as Contract;
    await expect(r.getFunction("setEpochLength")(20)).rejects.toThrow(/OwnableUnauthorizedAccount/);
    await expect(r.getFunction("bindRollup")(rollup.target)).rejects.toThrow(/RollupAlreadyBound/);
    const asDeployer = s.rollupAs(s.deployer);
    await expect(asDeployer.getFunction("setVerifier")(2, s.d.batchVerifier.target, 1)).rejects.toThrow(
      /NotGovernance/,
    );
    await expect(asDeployer.getFunction("slashBond")(await s.prover.getAddress(), 1n)).rejects.toThrow(
      /NotGovernance/,
    );
    const admin = await s.d.timelock.getFunction("DEFAULT_ADMIN_ROLE")();
    expect(await s.d.timelock.getFunction("hasRole")(admin, await s.deployer.getAddress())).toBe(false);
  });

  it("end to end: a passed proposal sets the epoch length and queues the order for L2", async () => {
    const before = await rollup.getFunction("queueLength")();
    const call = registry.interface.encodeFunctionData("setEpochLength", [20]);
    await govern([String(registry.target)], [call], "Epochs of 20 batches");
    expect(await registry.getFunction("epochLength")()).toBe(20n);
    expect(await rollup.getFunction("queueLength")()).toBe(before + 1n);
    // kind 3 (set parameter), account = parameter id 1 (epoch length), w1 = the value.
    const prev = await rollup.getFunction("queueHashAt")(before);
    expect(await rollup.getFunction("queueHashAt")(before + 1n)).toBe(
      poseidon([prev, 3n + (1n << 8n), 20n, 0n, 0n]),
    );
  });

  it("end to end: governance registers a new verifier and slashes an L2 stake in one proposal", async () => {
    const setVerifier = rollup.interface.encodeFunctionData("setVerifier", [2, s.d.batchVerifier.target, 2]);
    const slash = registry.interface.encodeFunctionData("slashL2Stake", [5, 1000n]);
    const before = await rollup.getFunction("queueLength")();
    await govern(
      [String(rollup.target), String(registry.target)],
      [setVerifier, slash],
      "Reward verifier; slash 5",
    );
    const circuit = await rollup.getFunction("circuits")(2);
    expect([circuit.verifier, circuit.purpose]).toEqual([s.d.batchVerifier.target, 2n]);
    const prev = await rollup.getFunction("queueHashAt")(before);
    const header = 4n + (5n << 8n) + (1000n << 40n);
    expect(await rollup.getFunction("queueHashAt")(before + 1n)).toBe(poseidon([prev, header, 0n, 0n, 0n]));
  });

  describe("as the timelock (impersonated, to check each setter's own rules)", () => {
    let asTimelock: Contract;
    beforeAll(async () => {
      await s.ethers.provider.send("hardhat_impersonateAccount", [timelock]);
      await s.ethers.provider.send("hardhat_setBalance", [timelock, "0x56BC75E2D63100000"]);
      asTimelock = registry.connect(await s.ethers.getSigner(timelock)) as Contract;
    });

    it("refuses a reward split that does not sum to 10,000 bps and packs a valid one in one order", async () => {
      const bad = { dataBps: 7000, modelBps: 2000, baseModelBps: 0, proverBps: 500, protocolBps: 400 };
      await expect(asTimelock.getFunction("setRewardSplit")(bad)).rejects.toThrow(/BadRewardSplit/);
      const good = { ...bad, protocolBps: 500, baseModelBps: 2500 };
      const before = await rollup.getFunction("queueLength")();
      await (await asTimelock.getFunction("setRewardSplit")(good)).wait();
      const packed = 7000n | (2000n << 16n) | (2500n << 32n) | (500n << 48n) | (500n << 64n);
      const prev = await rollup.getFunction("queueHashAt")(before);
      expect(await rollup.getFunction("queueHashAt")(before + 1n)).toBe(poseidon([prev, 3n, packed, 0n, 0n]));
    });

    it("registers verifiers only for a known purpose and only with code behind them", async () => {
      const rollupAsTimelock = rollup.connect(await s.ethers.getSigner(timelock)) as Contract;
      const setVerifier = rollupAsTimelock.getFunction("setVerifier");
      await expect(setVerifier(3, s.d.batchVerifier.target, 3)).rejects.toThrow(/BadPurpose/);
      await expect(setVerifier(3, await s.alice.getAddress(), 1)).rejects.toThrow(/NotAContract/);
    });

    it("records L1 parameters without touching the queue", async () => {
      const before = await rollup.getFunction("queueLength")();
      const l1 = {
        queueDeadline: 7200n,
        sequencer: await s.sequencer.getAddress(),
        minSequencerBond: s.config.l1.minSequencerBond,
        minProverBond: s.config.l1.minProverBond * 2n,
        proverRewardPerBatch: 1n,
        treasury: timelock,
        proveTimeout: 3600n,
        queueInterval: 2n,
        queueFee: 0n,
      };
      await (await asTimelock.getFunction("setL1Params")(l1)).wait();
      expect(await registry.getFunction("queueDeadline")()).toBe(7200n);
      expect(await registry.getFunction("queueConfig")()).toEqual([7200n, 2n, 0n, timelock]);
      expect(await rollup.getFunction("queueLength")()).toBe(before);
    });
  });
});
