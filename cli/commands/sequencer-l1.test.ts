import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommittedBatch, committedBatch } from "../../contracts/client/batch-roots.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { rpc } from "../../sequencer/testing.ts";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { type Devnet, startDevnet } from "../devnet/devnet.ts";

const run = promisify(execFile);
const keyOf = (index: number) => devWallet(index).privateKey;

/**
 * `openledger sequencer --l1`: the standalone node relays an L1 deposit and commits the batch
 * holding it to the rollup, with the bonded sequencer key (dev account 1) from the environment.
 */
describe("openledger sequencer --l1", () => {
  let dataDir: string;
  let devnet: Devnet;
  let proc: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "openledger-seq-l1-"));
    devnet = await startDevnet(
      { host: "127.0.0.1", port: 0, dataDir, fresh: false, users: 1, logger: pino({ level: "silent" }) },
      [],
    );
  });
  afterAll(async () => {
    proc?.kill("SIGTERM");
    await devnet?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses --l1 without the batch circuit its commits are bound to", async () => {
    const { deployment } = devnet;
    const refused = run(
      "node_modules/.bin/node",
      [
        "bin/openledger.mjs",
        "sequencer",
        ...["--chain-id", deployment.chainId, "--rollup", deployment.contracts.rollup],
        ...["--data-dir", join(dataDir, "refused"), "--port", "0", "--l1", devnet.l1.url],
      ],
      { env: { ...process.env, OPENLEDGER_SEQUENCER_KEY: keyOf(1) } },
    );
    await expect(refused).rejects.toThrow(/--l1 needs --l1-batch-circuit/);
  });

  it("relays a deposit from L1 and posts the batch holding it", async () => {
    const { deployment } = devnet;
    const chain = ["--chain-id", deployment.chainId, "--rollup", deployment.contracts.rollup];
    proc = spawn(
      "node_modules/.bin/node",
      [
        "bin/openledger.mjs",
        "sequencer",
        ...chain,
        ...["--data-dir", join(dataDir, "sequencer"), "--port", "0", "--params", "test"],
        ...["--l1", devnet.l1.url, "--l1-from-block", String(deployment.deployedAtBlock)],
        ...["--l1-batch-circuit", String(deployment.batchCircuitId)],
        ...["--l1-confirmations", "0", "--l1-poll-ms", "200", "--batch-interval-ms", "300"],
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, OPENLEDGER_SEQUENCER_KEY: keyOf(1) },
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: proc!.stdout! }).on("line", (line) => {
        const msg = JSON.parse(line) as { msg?: string; url?: string };
        if (msg.msg === "sequencer listening") resolve(msg.url!);
      });
      proc!.once("exit", (code) => reject(new Error(`sequencer exited with ${code}`)));
    });

    await run(
      "node_modules/.bin/node",
      ["bin/openledger.mjs", "bridge", "deposit", "--l1", devnet.l1.url, ...chain, "--amount", "5"],
      { env: { ...process.env, OPENLEDGER_ETH_KEY: keyOf(3) } },
    );

    // Batch 1 holds the relayed deposit; the poster commits it to the rollup on L1.
    let batch: { postStateRoot: string; txHashes: string[] } | undefined;
    for (let i = 0; i < 100 && !batch; i++) {
      await new Promise((r) => setTimeout(r, 200));
      batch = (await rpc(url, "ol_getBatch", [1])).result as typeof batch;
    }
    expect(batch?.txHashes).toHaveLength(1);
    const provider = new JsonRpcProvider(devnet.l1.url, undefined, { staticNetwork: true });
    const rollup = new Contract(deployment.contracts.rollup, ROLLUP_ABI, provider);
    let committed: CommittedBatch | undefined;
    for (let i = 0; i < 100 && !committed; i++) {
      await new Promise((r) => setTimeout(r, 200));
      committed = await committedBatch(rollup, 1);
    }
    expect(committed?.roots.postStateRoot).toBe(BigInt(batch!.postStateRoot));
    provider.destroy();
  }, 120_000);
});
