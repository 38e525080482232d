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
  let url: string;
  let chain: string[];

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
    chain = ["--chain-id", deployment.chainId, "--rollup", deployment.contracts.rollup];
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
        ...["--blob-archive", join(dataDir, "blob-archive")],
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, OPENLEDGER_SEQUENCER_KEY: keyOf(1) },
      },
    );
    url = await new Promise<string>((resolve, reject) => {
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

  it("bridge withdraw --no-wait, then bridge status: each item's stage and next step; freeze refused before a deadline", async () => {
    const cli = (args: string[]) =>
      run(
        "node_modules/.bin/node",
        ["bin/openledger.mjs", "bridge", ...args, "--l1", devnet.l1.url, ...chain],
        {
          env: { ...process.env, OPENLEDGER_ETH_KEY: keyOf(3) },
        },
      );
    const from = ["--from-block", String(devnet.deployment.deployedAtBlock)];
    const sent = await cli([
      "withdraw",
      "--amount",
      "1.5",
      "--no-wait",
      "--rpc",
      `${url}/rpc`,
      "--json",
      ...from,
    ]);
    const withdrawal = JSON.parse(sent.stdout) as { batch: number; stage: string; amount: string };
    expect(withdrawal).toMatchObject({ stage: "executed", amount: "1500000000000000000" });
    expect(sent.stderr).toMatch(
      new RegExp(`^executed on L2 in batch ${withdrawal.batch} \\(tx 0x[0-9a-f]{64}\\)`),
    );

    // The devnet here runs no prover: the deposit's batch and the withdrawal's stop at committed.
    let rows: { kind: string; stage: string; next: string }[] = [];
    for (let i = 0; i < 100 && rows[1]?.stage !== "committed"; i++) {
      await new Promise((r) => setTimeout(r, 200));
      rows = JSON.parse((await cli(["status", "--rpc", `${url}/rpc`, "--json", ...from])).stdout).rows;
    }
    expect(rows).toEqual([
      {
        kind: "deposit",
        // The devnet deposited for its dev user first: this is the next queue operation.
        ref: expect.stringMatching(/^queue [1-9] to account new$/),
        amount: `${5n * 10n ** 18n}`,
        stage: "committed",
        next: expect.stringMatching(/^wait: a prover proves/),
      },
      {
        kind: "withdrawal",
        ref: `batch ${withdrawal.batch} leaf 0`,
        amount: "1500000000000000000",
        stage: "committed",
        next: `wait: a prover proves batch ${withdrawal.batch}`,
      },
    ]);
    const human = (await cli(["status", "--rpc", `${url}/rpc`, ...from])).stdout;
    expect(human).toMatch(/withdrawal\s+batch \d+ leaf 0\s+1.5 OPEN\s+committed/);

    const freeze = await cli(["freeze", ...from]).catch((e: { stderr: string }) => e);
    // No batch is final: freeze reads genesis' roots from batch 1's commit, and the deposit is not overdue.
    expect(freeze.stderr).toMatch(/^error NOTHING_EXPIRED: queue operation 0 is not overdue/m);
  }, 120_000);

  it("rebuild: the state from L1 and the sequencer's blob archive over HTTP, every committed root checked", async () => {
    const provider = new JsonRpcProvider(devnet.l1.url, undefined, { staticNetwork: true });
    const rollup = new Contract(devnet.deployment.contracts.rollup, ROLLUP_ABI, provider);
    const upTo = Number((await rollup.getFunction("head")()).lastCommitted);
    const committed = (await committedBatch(rollup, upTo))!;
    provider.destroy();
    const rebuild = (archive: string) =>
      run("node_modules/.bin/node", [
        "bin/openledger.mjs",
        "rebuild",
        ...["--l1", devnet.l1.url, ...chain, "--from-block", String(devnet.deployment.deployedAtBlock)],
        ...["--archive", archive, "--upto", String(upTo), "--params", "test"],
        // The layout of the sequencer above: its defaults.
        ...["--slots", "512", "--withdrawals", "16", "--registry-slots", "16", "--json"],
      ]);
    const out = await rebuild(`${url}/archive`);
    expect(JSON.parse(out.stdout)).toMatchObject({
      entries: upTo,
      root: `0x${committed.roots.postStateRoot.toString(16).padStart(64, "0")}`,
      lastFinalized: 0,
    });
    expect(out.stderr).toMatch(new RegExp(`${upTo} entries replayed, every root matches L1`));
    // An archive without the data names the batch it lacks.
    const empty = await rebuild(join(dataDir, "no-archive")).catch((e: { stderr: string }) => e);
    expect(empty.stderr).toMatch(/^error DATA_UNAVAILABLE: the blob archive has no data for batch 1/m);

    // Nothing is final yet: the node's snapshot is genesis, checked against L1 and kept; a
    // rebuild from it replays every committed entry after it to the same root.
    const file = join(dataDir, "genesis.snapshot");
    const l1 = ["--l1", devnet.l1.url, ...chain];
    const fetched = await run("node_modules/.bin/node", [
      ...["bin/openledger.mjs", "snapshot", "fetch", ...l1, "--from", url, "--out", file, "--json"],
    ]);
    expect(JSON.parse(fetched.stdout)).toMatchObject({ entry: 0, accounts: 0, out: file });
    const fromSnapshot = await run("node_modules/.bin/node", [
      ...["bin/openledger.mjs", "rebuild", ...l1, "--from-block", String(devnet.deployment.deployedAtBlock)],
      ...["--archive", `${url}/archive`, "--snapshot", file, "--upto", String(upTo), "--params", "test"],
      ...["--slots", "512", "--withdrawals", "16", "--registry-slots", "16", "--json"],
    ]);
    expect(JSON.parse(fromSnapshot.stdout)).toMatchObject({
      entries: upTo,
      root: JSON.parse(out.stdout).root,
    });
    expect(fromSnapshot.stderr).toMatch(
      new RegExp(`${upTo} entries replayed after the snapshot's entry 0, every root matches L1`),
    );
  }, 120_000);
});
