import { Level } from "level";
import { serialize, deserialize } from "node:v8";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import { txHash } from "../../protocol/tx/fields.ts";
import { CurationMode, TxType } from "../../protocol/tx/types.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { startNode } from "../node.ts";
import { KEY } from "../storage/schema.ts";
import { depositParam, rpc, signedHex, tempDir, testNodeConfig } from "../testing.ts";

const logger = pino({ level: "silent" });

async function fundedNode(dir: string) {
  const node = await startNode(testNodeConfig(dir), logger);
  for (let i = 0; i < 2; i++) await rpc(node.url, "ol_submitDeposit", [depositParam(i, i, 10n ** 6n)]);
  return node;
}

const transfer = (nonce: number) =>
  signedHex({ type: TxType.Transfer, from: 1, nonce, fee: 1n, to: 2, amount: 10n }, 0);

describe("sequencer restart", () => {
  it("recovers sealed batches and re-executes unsealed confirmed transactions at their positions", async () => {
    const dir = tempDir("recover");
    const node = await fundedNode(dir);
    await rpc(node.url, "ol_sendTransaction", [transfer(0)]);
    await node.sequencer.seal();
    const confirmations = [];
    for (let n = 1; n <= 3; n++)
      confirmations.push((await rpc(node.url, "ol_sendTransaction", [transfer(n)])).result);
    const rootBefore = (await node.sequencer.view.roots()).stateRoot;
    // A crash: the process goes away without sealing; only the write-ahead entries hold batch 2.
    await node.sequencer.close();

    const again = await startNode(testNodeConfig(dir), logger);
    try {
      expect((await again.sequencer.view.roots()).stateRoot).toBe(rootBefore);
      expect(again.sequencer.view.sealedBatches).toBe(1);
      for (const c of confirmations as Array<{ txHash: string; batch: number; position: number }>) {
        expect((await rpc(again.url, "ol_getTransactionReceipt", [c.txHash])).result).toMatchObject({
          batch: c.batch,
          position: c.position,
        });
      }
      expect((await rpc(again.url, "ol_getNonce", [1])).result).toBe(4);
      expect((await rpc(again.url, "ol_sendTransaction", [transfer(4)])).result).toMatchObject({
        batch: 2,
        position: 3,
      });
    } finally {
      await again.stop();
    }
    const third = await startNode(testNodeConfig(dir), logger);
    expect(third.sequencer.view.sealedBatches).toBe(2);
    expect((await rpc(third.url, "ol_getAccount", [2])).result).toMatchObject({
      balance: String(10n ** 6n + 50n),
    });
    await third.stop();
  });

  it("gives the same roots and proofs with a cache of two nodes, the rest read from LevelDB, across a crash", async () => {
    const tiny = tempDir("tiny-cache");
    const nodes = [
      await startNode(testNodeConfig(tiny, { stateCacheNodes: 2 }), logger),
      await startNode(testNodeConfig(tempDir("default-cache")), logger),
    ];
    const accounts = async (url: string) =>
      Promise.all([1, 2, 3, 4, 5].map(async (id) => (await rpc(url, "ol_getAccount", [id])).result));
    for (const node of nodes) {
      for (let i = 0; i < 5; i++) await rpc(node.url, "ol_submitDeposit", [depositParam(i, i, 10n ** 6n)]);
      await node.sequencer.seal();
      await rpc(node.url, "ol_sendTransaction", [transfer(0)]);
      await node.sequencer.seal();
      // Left in the open batch: a proof flushes it into the trees before it is sealed.
      await rpc(node.url, "ol_sendTransaction", [transfer(1)]);
    }
    const expected = await accounts(nodes[1]!.url);
    expect(await accounts(nodes[0]!.url)).toEqual(expected);
    await nodes[1]!.stop();
    // A crash of the tiny-cache node: batch 3 lives only in its write-ahead entries.
    await nodes[0]!.sequencer.close();
    const again = await startNode(testNodeConfig(tiny, { stateCacheNodes: 2 }), logger);
    try {
      expect(await accounts(again.url)).toEqual(expected);
    } finally {
      await again.stop();
    }
  });

  it("recovers Datanets, contribution status and the repeated-contentRoot rule from the stored records", async () => {
    const dir = tempDir("recover-datanets");
    const node = await fundedNode(dir);
    const contribution = (nonce: number) =>
      signedHex(
        {
          type: TxType.RegisterContribution,
          from: 1,
          nonce,
          fee: 1n,
          datanet: 1,
          contentRoot: 55n,
          rowCount: 3,
          license: 2,
          uriCommitment: 6n,
          stake: 200n,
        },
        0,
      );
    const datanet = signedHex(
      {
        type: TxType.CreateDatanet,
        from: 1,
        nonce: 0,
        fee: 1n,
        metadataHash: 9n,
        licensePolicy: 1 << 2,
        curationMode: CurationMode.Curated,
        curators: [2],
        minStake: 0n,
      },
      0,
    );
    for (const tx of [datanet, contribution(1)]) {
      expect((await rpc(node.url, "ol_sendTransaction", [tx])).error).toBeUndefined();
    }
    await node.sequencer.seal();
    const rootBefore = (await node.sequencer.view.roots()).stateRoot;
    await node.stop();

    const again = await startNode(testNodeConfig(dir), logger);
    try {
      expect((await again.sequencer.view.roots()).stateRoot).toBe(rootBefore);
      expect((await rpc(again.url, "ol_getDatanet", [1])).result).toMatchObject({ curators: [2] });
      expect((await rpc(again.url, "ol_sendTransaction", [contribution(2)])).error?.data).toMatchObject({
        code: ErrorCode.DuplicateContent,
      });
      const accept = signedHex(
        { type: TxType.Curate, from: 2, nonce: 0, fee: 1n, contribution: 1, accept: true },
        1,
      );
      expect((await rpc(again.url, "ol_sendTransaction", [accept])).error).toBeUndefined();
      expect((await rpc(again.url, "ol_getContribution", [1])).result).toMatchObject({ status: "accepted" });
    } finally {
      await again.stop();
    }
  });

  it("refuses to start when a stored record no longer matches the stored state root", async () => {
    const dir = tempDir("corrupt");
    const node = await fundedNode(dir);
    await node.stop();
    const db = new Level<string, Buffer>(dir, { keyEncoding: "utf8", valueEncoding: "buffer" });
    const account = deserialize((await db.get(KEY.account(1)))!) as { balance: bigint };
    await db.put(KEY.account(1), serialize({ ...account, balance: account.balance + 1n }));
    await db.close();
    const err = await startNode(testNodeConfig(dir), logger).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenLedgerError);
    expect((err as OpenLedgerError).code).toBe(ErrorCode.StateCorrupt);
    expect((err as Error).message).toMatch(
      /stored record 1 of accounts does not match its leaf in the stored tree/,
    );
  });

  it("refuses to start when a stored tree node no longer gives the stored state root", async () => {
    const dir = tempDir("corrupt-node");
    const node = await fundedNode(dir);
    await node.stop();
    const db = new Level<string, Buffer>(dir, { keyEncoding: "utf8", valueEncoding: "buffer" });
    // The accounts tree's root node, which a restart reads instead of rehashing the tree.
    const { depth } = TEST_PARAMS.accounts;
    const top = KEY.node("accounts", depth, 0n);
    const stored = deserialize((await db.get(top))!) as bigint;
    await db.put(top, serialize(stored + 1n));
    await db.close();
    const err = await startNode(testNodeConfig(dir), logger).catch((e: unknown) => e);
    expect((err as OpenLedgerError).code).toBe(ErrorCode.StateCorrupt);
    expect((err as Error).message).toMatch(
      /stored state root 0x[0-9a-f]{64} does not match the root 0x[0-9a-f]{64} of the stored trees/,
    );
  });

  it("runs waiting transactions that a crash left executable", async () => {
    const dir = tempDir("promote");
    const node = await fundedNode(dir);
    const queued = (await rpc(node.url, "ol_sendTransaction", [transfer(1)])).result as {
      txHash: string;
      status: string;
    };
    expect(queued.status).toBe("queued");
    await node.sequencer.close();
    // As if nonce 0 had been written ahead and the process died before promoting nonce 1.
    const raw = Buffer.from(transfer(0).slice(2), "hex");
    const hash = fieldToHex(txHash(decodeTx(raw), DEV_DOMAIN, TEST_PARAMS));
    const db = new Level<string, Buffer>(dir, { keyEncoding: "utf8", valueEncoding: "buffer" });
    await db.put(KEY.wal(1, 2), serialize({ raw: new Uint8Array(raw), hash }));
    await db.close();

    const again = await startNode(testNodeConfig(dir), logger);
    try {
      expect((await rpc(again.url, "ol_getTransactionReceipt", [hash])).result).toMatchObject({
        batch: 1,
        position: 2,
      });
      expect((await rpc(again.url, "ol_getTransactionReceipt", [queued.txHash])).result).toMatchObject({
        batch: 1,
        position: 3,
      });
      expect((await rpc(again.url, "ol_getNonce", [1])).result).toBe(2);
    } finally {
      await again.stop();
    }
  });
});
