import { Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldToHex } from "../../protocol/field.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { startNode, type SequencerNode } from "../../sequencer/node.ts";
import { L1_SENDER, depositParam, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { runCli } from "./testing.ts";

// A well-known throwaway key (Hardhat's account #1): it guards nothing.
const ETH_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
let node: SequencerNode;

const cli = (args: string[]) => runCli(ETH_KEY, args);

beforeAll(async () => {
  node = await startNode(testNodeConfig(tempDir("cli")), pino({ level: "silent" }));
  const { publicKey } = await deriveL2Key(new Wallet(ETH_KEY), DEV_DOMAIN);
  const deposit = {
    ...depositParam(0, 0, 1000n),
    publicKey: { x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) },
  };
  await rpc(node.url, "ol_submitDeposit", [deposit]);
  await rpc(node.url, "ol_submitDeposit", [depositParam(1, 1, 1000n)]);
});

afterAll(async () => {
  await node.stop();
});

describe("openledger CLI", () => {
  it("derives the L2 key, sends a transfer and shows the accounts", async () => {
    const key = JSON.parse((await cli(["key", "--json"])).stdout);
    const { publicKey } = await deriveL2Key(new Wallet(ETH_KEY), DEV_DOMAIN);
    expect(key.publicKey).toEqual({ x: fieldToHex(publicKey.x), y: fieldToHex(publicKey.y) });
    expect(JSON.stringify(key)).not.toContain(ETH_KEY.slice(2));

    const rpcUrl = `${node.url}/rpc`;
    const sent = await cli([
      "tx",
      "transfer",
      "--rpc",
      rpcUrl,
      "--params",
      "test",
      "--account",
      "1",
      "--to",
      "2",
      "--amount",
      "25",
      "--fee",
      "1",
    ]);
    expect(sent.stdout).toMatch(/^executed: batch 1, position 2\ntx 0x[0-9a-f]{64}/);

    const shown = await cli(["account", "2", "--rpc", rpcUrl]);
    expect(shown.stdout).toMatch(/balance\s+1025/);
    const json = JSON.parse((await cli(["account", "1", "--rpc", rpcUrl, "--json"])).stdout);
    expect(json).toMatchObject({ id: 1, balance: "974", nonce: 1, l1Address: L1_SENDER });
    // Both deposits came from the same L1 address.
    const byAddress = JSON.parse(
      (await cli(["account", L1_SENDER.toLowerCase(), "--rpc", rpcUrl, "--json"])).stdout,
    );
    expect(byAddress.map((a: { id: number }) => a.id)).toEqual([1, 2]);

    const refused = await cli([
      "tx",
      "stake",
      "--rpc",
      rpcUrl,
      "--params",
      "test",
      "--account",
      "1",
      "--amount",
      "5000",
    ]).catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/error INSUFFICIENT_BALANCE: account 1 holds 974/);

    const help = (await cli(["tx", "transfer", "--help"])).stdout;
    expect(help).toMatch(/--to <id>/);
    expect(help).toMatch(/--eth-key-env <name>/);
  });
});
