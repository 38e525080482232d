import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { writeDeploymentFile } from "../../contracts/deploy/addresses.ts";
import { OPEN } from "../../contracts/deploy/config.ts";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { type L1Http, serveL1 } from "../../contracts/test/l1-http.ts";
import { failure, runCli } from "./testing.ts";

// Hardhat's well-known dev keys: the deployer holds the OPEN supply's bulk and votes; alice releases.
const DEPLOYER = devWallet(0).privateKey;
const ALICE = devWallet(3).privateKey;
const GRANTEE = devWallet(5).address;
const DAY = 86_400;

let s: System;
let l1: L1Http;
let dir: string;
let deployment: string;

beforeAll(async () => {
  s = await deploySystem(await prepareArtifacts());
  l1 = await serveL1((method, params) => s.ethers.provider.send(method, params));
  dir = await mkdtemp(join(tmpdir(), "grants-"));
  deployment = join(dir, "deployment.json");
  await writeDeploymentFile(deployment, s.d.file);
}, 600_000);

afterAll(async () => {
  l1?.server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await terminateSnarkjsCurve();
});

const chain = () => ["--l1", l1.url, "--rollup", s.d.file.contracts.rollup, "--chain-id", s.d.file.chainId];
// `gov` is told the factory's address, `grants` reads it from the deployment file: both ways work.
const gov = (key: string, args: string[]) =>
  runCli(key, ["gov", ...args, ...chain(), "--grant-streams", s.d.file.contracts.grantStreams]);
const grants = (key: string, args: string[]) =>
  runCli(key, ["grants", ...args, ...chain(), "--deployment", deployment]);
const json = async (p: ReturnType<typeof runCli>) => JSON.parse((await p).stdout);
const mine = (blocks: number) => s.ethers.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`]);
const balance = async (a: string) => (await s.d.token.getFunction("balanceOf")(a)) as bigint;
const latest = async () => BigInt((await s.ethers.provider.getBlock("latest"))!.timestamp);

describe("openledger grants", () => {
  it("streams a voted grant: proposed and read in words, listed, released by time", async () => {
    await (await s.d.token.getFunction("transfer")(s.d.file.contracts.timelock, 500n * OPEN)).wait();
    await gov(DEPLOYER, ["delegate"]);
    // A date two to three days ahead: after the vote and the timelock, so nothing streams before execution.
    const start = (Number(await latest()) / DAY + 3) | 0;
    const startAt = BigInt(start * DAY);
    const date = new Date(start * DAY * 1000).toISOString().slice(0, 10);
    const duration = 30n * BigInt(DAY);
    const stream = (await s.d.grantStreams.getFunction("predict")(GRANTEE, startAt, duration)) as string;

    const proposed = await gov(DEPLOYER, [
      "propose",
      "grant-stream",
      "--to",
      GRANTEE,
      "--amount",
      "100",
      "--start",
      date,
      "--days",
      "30",
      "--description",
      "Grant: label the spam Datanet",
    ]);
    expect(proposed.stdout).toMatch(
      new RegExp(
        `^#1 PENDING: Grant: label the spam Datanet\\n {2}- stream 100 OPEN from the treasury to ${GRANTEE} from ${date} over 30 days \\(stream ${stream}\\)\\n {2}- pay 100 OPEN from the treasury to ${stream}: the stream above\\n`,
      ),
    );
    await mine(2);
    await gov(DEPLOYER, ["vote", "--proposal", "1", "--support", "for"]);
    await mine(Number(s.config.dao.votingPeriodBlocks) + 1);
    await gov(DEPLOYER, ["queue", "--proposal", "1"]);
    await s.ethers.provider.send("evm_increaseTime", [Number(s.config.dao.timelockDelaySeconds) + 1]);
    await mine(1);
    expect(await json(gov(ALICE, ["execute", "--proposal", "1", "--json"]))).toMatchObject({
      state: "executed",
    });
    expect(await s.d.grantStreams.getFunction("isStream")(stream)).toBe(true);
    expect(await balance(stream)).toBe(100n * OPEN);

    // Reading needs no key; the executed proposal still reads as the grant.
    const status = await gov("", ["status"]);
    expect(status.stdout).toContain(
      `  - stream 100 OPEN from the treasury to ${GRANTEE} from ${date} over 30 days (stream ${stream})\n`,
    );
    const listed = await grants("", ["list"]);
    expect(listed.stdout).toBe(
      `stream ${stream}: 100 OPEN to ${GRANTEE} from ${date} over 30 days\n` +
        "  released 0 OPEN, releasable now 0 OPEN\n" +
        "  funded by proposal #1 (executed): Grant: label the spam Datanet\n",
    );

    // Half the duration after the start, to the second: the release's block is mined then.
    await s.ethers.provider.send("evm_setNextBlockTimestamp", [Number(startAt + duration / 2n)]);
    const half = await json(grants(ALICE, ["release", "--stream", stream, "--json"]));
    expect(BigInt(half.at)).toBe(startAt + duration / 2n);
    expect(BigInt(half.paid)).toBe(50n * OPEN);
    expect(await balance(GRANTEE)).toBe(50n * OPEN);

    // Right away again: only the seconds since then (a CLI start takes a few).
    const again = await json(grants(ALICE, ["release", "--stream", stream, "--json"]));
    const elapsed = BigInt(again.at) - startAt;
    expect(elapsed - duration / 2n).toBeGreaterThan(0n);
    expect(elapsed - duration / 2n).toBeLessThan(60n);
    expect(BigInt(again.paid)).toBe((100n * OPEN * elapsed) / duration - 50n * OPEN);
    expect(await balance(GRANTEE)).toBe((100n * OPEN * elapsed) / duration);

    const shown = await json(grants(ALICE, ["show", "--stream", stream, "--json"]));
    expect(shown).toMatchObject({
      stream,
      beneficiary: GRANTEE,
      start: startAt.toString(),
      duration: duration.toString(),
      total: (100n * OPEN).toString(),
      released: (await balance(GRANTEE)).toString(),
      proposal: { number: 1, state: "executed" },
    });
    const notStream = await failure(grants(ALICE, ["show", "--stream", GRANTEE]));
    expect(notStream.stderr).toMatch(`${GRANTEE} is not a grant stream of GrantStreams`);
  }, 300_000);

  it("creates streams for the timelock only, once per terms, never of zero length", async () => {
    const streams = s.d.grantStreams;
    await expect(streams.getFunction("create")(GRANTEE, 1n, 100n)).rejects.toThrow(/NotTimelock/);
    // The timelock itself (impersonated on this test chain) meets the other rules.
    const timelock = s.d.file.contracts.timelock;
    await s.ethers.provider.send("hardhat_impersonateAccount", [timelock]);
    await s.ethers.provider.send("hardhat_setBalance", [timelock, "0xde0b6b3a7640000"]);
    const asTimelock = streams.connect(await s.ethers.provider.getSigner(timelock)) as typeof streams;
    await expect(asTimelock.getFunction("create")(GRANTEE, 1n, 0n)).rejects.toThrow(/NoDuration/);
    await (await asTimelock.getFunction("create")(GRANTEE, 1n, 100n)).wait();
    await expect(asTimelock.getFunction("create")(GRANTEE, 1n, 100n)).rejects.toThrow(/StreamExists/);
    await s.ethers.provider.send("hardhat_stopImpersonatingAccount", [timelock]);
  }, 60_000);
});
