import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit } from "../../circuits/tools/artifacts.ts";
import { verifierContractName } from "../../circuits/tools/solidity-verifier.ts";
import { InferenceOperatorList } from "../../contracts/client/inference-operators.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { loadArtifact } from "../../contracts/deploy/artifacts.ts";
import { DEV_BATCH_CIRCUIT, DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { type Devnet, startDevnet, TREASURY_ACCOUNT, USER_OPEN } from "./devnet.ts";
import { DEV_PROVER } from "./prover-key.ts";
import { proverService } from "./prover-service.ts";
import { sequencerService } from "./sequencer-service.ts";
import type { DevnetService } from "./service.ts";
import { devnetSummary } from "./summary.ts";

describe("openledger devnet: L1 up, contracts deployed, state kept across restarts", () => {
  let dataDir: string;
  let devnet: Devnet | undefined;
  const start = (fresh = false, services: DevnetService[] = []) =>
    startDevnet(
      { host: "127.0.0.1", port: 0, dataDir, fresh, users: 2, logger: pino({ level: "silent" }) },
      services,
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "openledger-devnet-"));
  });
  afterAll(async () => {
    await devnet?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("deploys on first start and funds the dev accounts with OPEN", async () => {
    devnet = await start();
    const provider = new JsonRpcProvider(devnet.l1.url, undefined, { staticNetwork: true });
    const token = new Contract(
      devnet.deployment.contracts.token,
      ["function balanceOf(address) view returns (uint256)"],
      provider,
    );
    expect(await token.getFunction("balanceOf")(devnet.accounts[3]!.address)).toBe(USER_OPEN);
    const rollup = new Contract(devnet.deployment.contracts.rollup, ROLLUP_ABI, provider);
    expect((await rollup.getFunction("head")()).lastCommitted).toBe(0n);
    expect(devnetSummary(devnet)).toContain(devnet.l1.url);

    // Genesis governance ran through the timelock: the reward verifier, the treasury account
    // and the timelock's real delay, and the deployer kept no role.
    const d = devnet.deployment;
    const registered = new Contract(
      d.contracts.rollup,
      ["function circuits(uint32) view returns (address verifier, uint8 purpose)"],
      provider,
    );
    expect(d.rewardCircuitId).toBe(DEV_REWARD_CIRCUIT.circuitId);
    const reward = await registered.getFunction("circuits")(DEV_REWARD_CIRCUIT.circuitId);
    expect([reward.verifier, reward.purpose]).toEqual([d.contracts.rewardVerifier, 2n]);
    const registry = new Contract(
      d.contracts.paramsRegistry,
      ["function treasuryAccount() view returns (uint32)"],
      provider,
    );
    expect(await registry.getFunction("treasuryAccount")()).toBe(BigInt(TREASURY_ACCOUNT));
    const timelock = new Contract(
      d.contracts.timelock,
      [
        "function getMinDelay() view returns (uint256)",
        "function PROPOSER_ROLE() view returns (bytes32)",
        "function hasRole(bytes32, address) view returns (bool)",
      ],
      provider,
    );
    expect(await timelock.getFunction("getMinDelay")()).toBe(60n);
    const proposer = await timelock.getFunction("PROPOSER_ROLE")();
    expect(await timelock.getFunction("hasRole")(proposer, d.deployer)).toBe(false);
    expect(await timelock.getFunction("hasRole")(proposer, d.contracts.governor)).toBe(true);
    // The prover is the devnet's compute operator, listed on its bond.
    const operators = new InferenceOperatorList(d.contracts.inferenceOperators, provider);
    expect(await operators.listed()).toEqual([devnet.accounts[DEV_PROVER]!.address]);
    // The treasury's deposit is the first queued operation: it opens L2 account 1.
    const queue = new Contract(
      d.contracts.rollup,
      ["function queueLength() view returns (uint256)"],
      provider,
    );
    expect(await queue.getFunction("queueLength")()).toBe(1n);
    provider.destroy();
  });

  it("restores the chain from its journal on the next start, at the same addresses", async () => {
    const before = devnet!.deployment;
    await devnet!.stop();
    devnet = await start();
    expect(devnet.l1.replayed).toBeGreaterThan(0);
    expect(devnet.deployment).toEqual(before);
    const provider = new JsonRpcProvider(devnet.l1.url, undefined, { staticNetwork: true });
    expect(await provider.getCode(before.contracts.rollup)).not.toBe("0x");
    provider.destroy();
  });

  it("refuses to resume a chain deployed from other contract sources", async () => {
    const path = devnet!.deploymentPath;
    await devnet!.stop();
    devnet = undefined;
    const saved = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...saved, sourcesHash: "0x00" }));
    await expect(start()).rejects.toThrow(/other contract sources.*--fresh/);
  });

  it("starts over with --fresh", async () => {
    await devnet?.stop();
    devnet = await start(true);
    expect(devnet.l1.replayed).toBe(0);
  });

  it("runs the sequencer against the deployed rollup and stops it with the rest", async () => {
    await devnet!.stop();
    devnet = await start(false, [sequencerService]);
    const url = devnet.services.find((svc) => svc.name === "sequencer")?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const reply = await fetch(`${url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "no_such_method", params: [] }),
    });
    expect(((await reply.json()) as { error?: unknown }).error).toBeDefined();
  });

  // The batch circuit's keys are built first (shared with test/e2e through the cache in build/;
  // about ten minutes on a clean clone, or a wait on test/e2e's build), so the proof below
  // takes seconds.
  it(
    "finalizes a batch on L1 with a real proof of the batch circuit, from the devnet's own prover",
    { timeout: 1_800_000 },
    async () => {
      await buildCircuit(DEV_BATCH_CIRCUIT.name, { log: () => {}, verifiersDir: null });
      await devnet!.stop();
      devnet = await start(true, [sequencerService, proverService]);
      const provider = new JsonRpcProvider(devnet.l1.url, undefined, {
        staticNetwork: true,
        cacheTimeout: -1,
      });
      const rollup = new Contract(
        devnet.deployment.contracts.rollup,
        [...ROLLUP_ABI, "function circuits(uint32) view returns (address verifier, uint8 purpose)"],
        provider,
      );
      // The registered verifier is the batch circuit's, compiled from its committed source.
      const verifier = devnet.deployment.contracts.batchVerifier;
      expect(devnet.deployment.batchCircuitId).toBe(DEV_BATCH_CIRCUIT.circuitId);
      expect((await rollup.getFunction("circuits")(DEV_BATCH_CIRCUIT.circuitId)).verifier).toBe(verifier);
      const compiled = await loadArtifact(verifierContractName(DEV_BATCH_CIRCUIT.name));
      expect(await provider.getCode(verifier)).toBe(
        `0x${(compiled as unknown as { deployedBytecode: string }).deployedBytecode.replace(/^0x/, "")}`,
      );

      // A user deposits on L1; the relay hands it to the sequencer, which seals and commits it.
      const user = await provider.getSigner(devnet.accounts[3]!.address);
      const amount = 10n ** 18n;
      const token = new Contract(
        devnet.deployment.contracts.token,
        ["function approve(address,uint256)"],
        user,
      );
      await (await token.getFunction("approve")(rollup.target, amount)).wait();
      const key = derivePublicKey(new Uint8Array(32).fill(3));
      await (await (rollup.connect(user) as Contract).getFunction("deposit")(0, key.x, key.y, amount)).wait();

      const proven = rollup.filters.BatchProven!(1n);
      for (let i = 0; i < 600 && (await rollup.getFunction("lastFinalizedBatch")()) < 1n; i++) {
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(1n);
      const [event] = await rollup.queryFilter(proven, devnet.deployment.deployedAtBlock);
      expect(event && "args" in event ? event.args.prover : undefined).toBe(devnet.accounts[2]!.address);
      provider.destroy();
    },
  );
});
