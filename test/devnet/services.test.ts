/**
 * `openledger devnet` with the store, explorer and inference services: each listens at its port above the
 * L1, the explorer finds the sequencer and the rollup on its own, and both URLs are printed
 * with the others.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { type Devnet, startDevnet } from "../../cli/devnet/devnet.ts";
import { explorerService } from "../../cli/devnet/explorer-service.ts";
import { inferenceService } from "../../cli/devnet/inference-service.ts";
import { sequencerService } from "../../cli/devnet/sequencer-service.ts";
import { storeService } from "../../cli/devnet/store-service.ts";
import { devnetSummary } from "../../cli/devnet/summary.ts";

/** Whether `port` on the loopback is free to listen on. */
const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer()
      .once("error", () => resolve(false))
      .listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

/** A base port with the ports the devnet uses above it free: L1 port + 2, + 3, + 4 and + 5. */
async function freePorts(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await Promise.all([0, 2, 3, 4, 5].map((d) => free(base + d)))).every(Boolean)) return base;
  }
}

describe("devnet store, explorer and inference services", () => {
  let dataDir: string;
  let devnet: Devnet | undefined;
  const start = async (port: number) => {
    dataDir = await mkdtemp(join(tmpdir(), "openledger-explorer-devnet-"));
    return startDevnet(
      { host: "127.0.0.1", port, dataDir, fresh: true, users: 1, logger: pino({ level: "silent" }) },
      [sequencerService, storeService, explorerService, inferenceService],
    );
  };
  afterAll(async () => {
    await devnet?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves the devnet's rollup three ports above the L1 and prints its URL", async () => {
    const port = await freePorts();
    devnet = await start(port);
    const url = devnet.services.find((s) => s.name === "explorer")?.url;
    expect(url).toBe(`http://127.0.0.1:${port + 3}`);
    expect(devnetSummary(devnet)).toMatch(new RegExp(`explorer\\s+${url}`));
    const status = (await (await fetch(`${url}/api/status`)).json()) as {
      l1: { rollup: string; lastCommitted: number };
      l2: { sealedBatches: number };
    };
    // The treasury's genesis deposit opens L2 account 1: its batch may already be sealed, and
    // committed, by the time the explorer answers.
    expect(status.l1.rollup).toBe(devnet.deployment.contracts.rollup);
    expect(status.l2.sealedBatches).toBeLessThanOrEqual(1);
    expect(status.l1.lastCommitted).toBeLessThanOrEqual(status.l2.sealedBatches);

    const store = devnet.services.find((s) => s.name === "store")?.url;
    expect(store).toBe(`http://127.0.0.1:${port + 4}`);
    expect(devnetSummary(devnet)).toMatch(new RegExp(`store\\s+${store}`));
    expect(await (await fetch(`${store}/health`)).json()).toEqual({ ok: true });

    const inference = devnet.services.find((s) => s.name === "inference")?.url;
    expect(inference).toBe(`http://127.0.0.1:${port + 5}`);
    expect(devnetSummary(devnet)).toMatch(new RegExp(`inference\\s+${inference}`));
    expect(await (await fetch(`${inference}/health`)).json()).toMatchObject({ ok: true, openQuotes: 0 });
  });

  it("refuses a devnet on a random L1 port, where it cannot find the sequencer", async () => {
    await expect(
      explorerService.start({ l1Port: 0 } as Parameters<typeof explorerService.start>[0]),
    ).rejects.toThrow(/needs a fixed L1 port/);
  });
});
