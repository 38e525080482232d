import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { type L1Http, serveL1 } from "../../contracts/test/l1-http.ts";
import { failure, runCli } from "./testing.ts";

// Hardhat's well-known dev keys: the deployer holds the OPEN supply's bulk, alice 1M OPEN.
const DEPLOYER = devWallet(0).privateKey;
const ALICE = devWallet(3).privateKey;

let s: System;
let l1: L1Http;

beforeAll(async () => {
  s = await deploySystem(await prepareArtifacts());
  l1 = await serveL1((method, params) => s.ethers.provider.send(method, params));
}, 600_000);

afterAll(async () => {
  l1?.server.close();
  await terminateSnarkjsCurve();
});

const gov = (key: string, args: string[]) =>
  runCli(key, [
    "gov",
    ...args,
    "--l1",
    l1.url,
    "--rollup",
    s.d.file.contracts.rollup,
    "--chain-id",
    s.d.file.chainId,
  ]);
const json = async (key: string, args: string[]) => JSON.parse((await gov(key, [...args, "--json"])).stdout);
const mine = (blocks: number) => s.ethers.provider.send("hardhat_mine", [`0x${blocks.toString(16)}`]);

describe("openledger gov", () => {
  it("takes a parameter change from propose to executed, in words at every step", async () => {
    const delegated = await gov(DEPLOYER, ["delegate"]);
    expect(delegated.stdout).toMatch(/^0x[0-9a-fA-F]{40} now votes with [0-9]+ OPEN \(tx 0x[0-9a-f]{64}\)$/m);

    const proposed = await gov(DEPLOYER, [
      "propose",
      "epoch-length",
      "--entries",
      "7",
      "--description",
      "Shorter reward epochs\n\nPay contributors sooner.",
    ]);
    expect(proposed.stdout).toMatch(
      /^#1 PENDING: Shorter reward epochs\n {2}- make each reward epoch 7 chain entries long\n/,
    );
    expect(proposed.stdout).toMatch(/next: voting opens after block \d+/);

    // Too early to vote; then a holder who never delegated has no votes at the snapshot.
    const early = await failure(gov(DEPLOYER, ["vote", "--proposal", "1", "--support", "for"]));
    expect(early.stderr).toMatch(
      /proposal 1 is pending, it cannot be voted on now: voting opens after block/,
    );
    await mine(2);
    const noVotes = await failure(gov(ALICE, ["vote", "--proposal", "1", "--support", "for"]));
    expect(noVotes.stderr).toMatch(
      /had no votes at proposal 1's snapshot \(block \d+\): OPEN counts once delegated/,
    );

    const voted = await json(DEPLOYER, ["vote", "--proposal", "1", "--support", "for", "--reason", "agreed"]);
    expect(voted).toMatchObject({ number: 1, state: "active", votes: { against: "0", abstain: "0" } });
    expect(BigInt(voted.votes.for)).toBeGreaterThan(0n);
    const tooSoon = await failure(gov(DEPLOYER, ["queue", "--proposal", "1"]));
    expect(tooSoon.stderr).toMatch(/proposal 1 is active, it cannot be queued now: vote until block/);

    await mine(Number(s.config.dao.votingPeriodBlocks) + 1);
    // Queued by its id rather than its number: both name it.
    const queued = await gov(DEPLOYER, ["queue", "--proposal", voted.id]);
    expect(queued.stdout).toMatch(/^#1 QUEUED: /);
    expect(queued.stdout).toMatch(/next: in the timelock: executable in \d+ s/);
    const locked = await failure(gov(ALICE, ["execute", "--proposal", "1"]));
    expect(locked.stderr).toMatch(/proposal 1 is queued, it cannot be executed now: in the timelock/);

    await s.ethers.provider.send("evm_increaseTime", [Number(s.config.dao.timelockDelaySeconds) + 1]);
    await mine(1);
    // Anyone may execute a proposal whose delay has passed.
    const executed = await json(ALICE, ["execute", "--proposal", "1"]);
    expect(executed).toMatchObject({ state: "executed", next: "executed" });
    expect(await s.d.paramsRegistry.getFunction("epochLength")()).toBe(7n);

    const listed = await gov(ALICE, ["status"]);
    expect(listed.stdout).toBe(
      "#1 EXECUTED: Shorter reward epochs\n  - make each reward epoch 7 chain entries long\n  next: executed\n",
    );
  }, 300_000);

  it("pays a grant from the L1 treasury and refuses what cannot be proposed", async () => {
    const timelock = s.d.file.contracts.timelock;
    const grantee = devWallet(5).address;
    await (await s.tokenAs(s.deployer).getFunction("transfer")(timelock, 50n * 10n ** 18n)).wait();
    const bad = await failure(
      gov(DEPLOYER, ["propose", "transfer", "--to", "0x1234", "--amount", "5", "--description", "grant"]),
    );
    expect(bad.stderr).toMatch(/--to "0x1234": not an Ethereum address/);
    const none = await failure(gov(DEPLOYER, ["vote", "--proposal", "9", "--support", "for"]));
    expect(none.stderr).toMatch(/no proposal 9: there are 1 \(`openledger gov status` lists them\)/);

    const p = await json(DEPLOYER, [
      "propose",
      "transfer",
      "--to",
      grantee,
      "--amount",
      "12.5",
      "--description",
      "Grant: label the spam Datanet",
    ]);
    expect(p.calls[0].words).toBe(`pay 12.5 OPEN from the treasury to ${grantee}`);
    await mine(2);
    await gov(DEPLOYER, ["vote", "--proposal", "2", "--support", "for"]);
    await mine(Number(s.config.dao.votingPeriodBlocks) + 1);
    await gov(DEPLOYER, ["queue", "--proposal", "2"]);
    await s.ethers.provider.send("evm_increaseTime", [Number(s.config.dao.timelockDelaySeconds) + 1]);
    await mine(1);
    await gov(DEPLOYER, ["execute", "--proposal", "2"]);
    expect(await s.d.token.getFunction("balanceOf")(grantee)).toBe(125n * 10n ** 17n);
  }, 300_000);
});
