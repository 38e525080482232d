import { Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldToHex } from "../../protocol/field.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { startNode, type SequencerNode } from "../../sequencer/node.ts";
import { L1_SENDER, depositParam, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { failure, runCli } from "./testing.ts";

const OPEN = 10n ** 18n;

// A well-known throwaway key (Hardhat's account #1): it guards nothing.
const ETH_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
let node: SequencerNode;

const cli = (args: string[]) => runCli(ETH_KEY, args);

beforeAll(async () => {
  node = await startNode(testNodeConfig(tempDir("cli")), pino({ level: "silent" }));
  const { publicKey } = await deriveL2Key(new Wallet(ETH_KEY), DEV_DOMAIN);
  const deposit = {
    ...depositParam(0, 0, 1000n * OPEN),
    publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
  };
  await rpc(node.url, "ol_submitDeposit", [deposit]);
  await rpc(node.url, "ol_submitDeposit", [depositParam(1, 1, 1000n * OPEN)]);
});

afterAll(async () => {
  await node.stop();
});

describe("openledger CLI", () => {
  it("derives the L2 key, sends a transfer in OPEN and shows the accounts in OPEN", async () => {
    const key = JSON.parse((await cli(["key", "--json"])).stdout);
    const { publicKey } = await deriveL2Key(new Wallet(ETH_KEY), DEV_DOMAIN);
    expect(key.publicKey).toEqual({ x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) });
    expect(JSON.stringify(key)).not.toContain(ETH_KEY.slice(2));

    const rpcUrl = `${node.url}/rpc`;
    // No --params: the tree sizes come from the sequencer (ol_getParams).
    const sent = await cli([
      "tx",
      "transfer",
      "--rpc",
      rpcUrl,
      "--account",
      "1",
      "--to",
      "2",
      "--amount",
      "25",
      "--fee",
      "0.5",
    ]);
    expect(sent.stdout).toMatch(/^executed: batch 1, position 2\ntx 0x[0-9a-f]{64}/);
    // Base units behind --wei; --params still overrides the sequencer's sizes.
    const inWei = ["--amount", "500000000000000000", "--wei", "--params", "test"];
    await cli(["tx", "transfer", "--rpc", rpcUrl, "--account", "1", "--to", "2", ...inWei]);

    const shown = await cli(["account", "2", "--rpc", rpcUrl]);
    expect(shown.stdout).toMatch(/balance\s+1025.5 OPEN\n/);
    expect((await cli(["account", "2", "--rpc", rpcUrl, "--wei"])).stdout).toMatch(
      /balance\s+1025500000000000000000\n/,
    );
    const json = JSON.parse((await cli(["account", "1", "--rpc", rpcUrl, "--json"])).stdout);
    expect(json).toMatchObject({ id: 1, balance: `${974n * OPEN}`, nonce: 2, l1Address: L1_SENDER });
    // Both deposits came from the same L1 address.
    const byAddress = JSON.parse(
      (await cli(["account", L1_SENDER.toLowerCase(), "--rpc", rpcUrl, "--json"])).stdout,
    );
    expect(byAddress.map((a: { id: number }) => a.id)).toEqual([1, 2]);

    const refused = await failure(
      cli(["tx", "stake", "--rpc", rpcUrl, "--account", "1", "--amount", "5000"]),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error INSUFFICIENT_BALANCE: account 1 holds 974/);

    // Errors name the fix: an amount in another notation, a sequencer of another deployment.
    const badAmount = await failure(
      cli(["tx", "stake", "--rpc", rpcUrl, "--account", "1", "--amount", "1e18"]),
    );
    expect(badAmount.stderr).toMatch(
      /error INVALID_FIELD: --amount "1e18" is not an amount of OPEN: write it like 1.5/,
    );
    const otherRollup = await failure(
      cli([
        "tx",
        "stake",
        "--rpc",
        rpcUrl,
        "--account",
        "1",
        "--amount",
        "1",
        "--rollup",
        `0x${"11".repeat(20)}`,
      ]),
    );
    expect(otherRollup.stderr).toMatch(
      new RegExp(`error WRONG_CHAIN: .* pass --rollup ${DEV_DOMAIN.rollup} --chain-id 31337`),
    );

    const help = (await cli(["tx", "transfer", "--help"])).stdout;
    expect(help).toMatch(/--to <id>/);
    expect(help).toMatch(/--amount <open>\s+OPEN, decimals allowed/);
    expect(help).toMatch(/--eth-key-env <name>/);
  });

  it("lists every bridge command, each with its help", async () => {
    const help = (await cli(["bridge", "--help"])).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z-]+) \[options\]/gm)].map((m) => m[1]);
    expect(listed).toEqual([
      "deposit",
      "withdraw",
      "claim",
      "force-withdraw",
      "freeze",
      "exit",
      "refund",
      "status",
    ]);
    const withdraw = (await cli(["bridge", "withdraw", "--help"])).stdout;
    expect(withdraw).toMatch(/--no-wait/);
    expect(withdraw).toMatch(/--amount <open>/);
    // An L1 node that is down is named, with the fix.
    const down = await failure(cli(["bridge", "freeze", "--l1", "http://127.0.0.1:1"]));
    expect(down.stderr).toMatch(
      /^error L1_UNREACHABLE: cannot reach the L1 node at http:\/\/127.0.0.1:1: .*--l1 <url>/,
    );
  });
});
