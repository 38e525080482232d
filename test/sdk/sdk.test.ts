import { rm } from "node:fs/promises";
import { Wallet } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveL2Key } from "../../protocol/keys.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { depositParam, L1_SENDER, rpc, tempDir, testNodeConfig } from "../../sequencer/testing.ts";
import { OpenLedgerProvider, RpcCallError } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";

/** The SDK against a real sequencer node over HTTP: a wallet whose L2 key comes from an Ethereum key. */
describe("sdk: provider and wallet", () => {
  let dir: string;
  let node: SequencerNode;
  let provider: OpenLedgerProvider;
  let alice: L2Wallet;

  beforeAll(async () => {
    dir = tempDir("sdk");
    node = await startNode(testNodeConfig(dir, { domain: DEV_DOMAIN }), pino({ level: "silent" }));
    provider = new OpenLedgerProvider(`${node.url}/rpc`);
    const eth = new Wallet(`0x${"11".repeat(32)}`);
    const key = await deriveL2Key(eth, DEV_DOMAIN);
    // Account 1 opens for alice's derived key, account 2 for a test key.
    const opening = {
      ...depositParam(0, 0, 10n ** 6n),
      publicKey: { x: fieldToHex(key.publicKey.x), y: fieldToHex(key.publicKey.y) },
    };
    expect((await rpc(node.url, "ol_submitDeposit", [opening])).error).toBeUndefined();
    expect((await rpc(node.url, "ol_submitDeposit", [depositParam(1, 1, 10n)])).error).toBeUndefined();
    alice = await L2Wallet.fromEthereum(eth, 1, provider, DEV_DOMAIN, TEST_PARAMS);
  });

  afterAll(async () => {
    await node.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the chain and the account its Ethereum key's deposit opened", async () => {
    expect(await provider.chainId()).toBe(DEV_DOMAIN.chainId);
    expect(await provider.getAccountsByL1Address(L1_SENDER)).toEqual([1, 2]);
    const account = await provider.getAccount(1);
    expect(account?.balance).toBe((10n ** 6n).toString());
    expect(account?.l1Address).toBe(L1_SENDER);
    expect(await provider.getNonce(1)).toBe(0);
  });

  it("signs and sends a transfer with the next nonce, and a receipt follows", async () => {
    const sent = await alice.transfer(2, 250n, { fee: 5n });
    expect(sent).toMatchObject({ status: "executed", batch: 1, position: 2 });
    expect(await provider.getNonce(1)).toBe(1);
    expect((await provider.getAccount(2))?.balance).toBe("260");
    expect(await provider.getTransactionReceipt(sent.txHash)).toMatchObject({
      txHash: sent.txHash,
      type: "transfer",
      account: 1,
      fee: "5",
    });
  });

  it("surfaces a replayed nonce as the protocol's typed error", async () => {
    const err = await alice.transfer(2, 1n, { nonce: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenLedgerError);
    expect((err as OpenLedgerError).code).toBe(ErrorCode.BadNonce);
  });

  it("says what is wrong when the URL is not the JSON-RPC endpoint", async () => {
    const err = await new OpenLedgerProvider(node.url).chainId().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcCallError);
    expect((err as RpcCallError).message).toMatch(/answered HTTP 404 with no JSON-RPC response .*POST \/rpc/);
  });
});
