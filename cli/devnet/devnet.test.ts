import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { type Devnet, startDevnet, USER_OPEN } from "./devnet.ts";
import { sequencerService } from "./sequencer-service.ts";
import type { DevnetService } from "./services.ts";
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

  it("starts over with --fresh", async () => {
    await devnet!.stop();
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
});
