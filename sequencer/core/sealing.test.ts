import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { batchDataLength } from "../../protocol/batch/layout.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { CurationMode, type L2Tx, TxType } from "../../protocol/tx/types.ts";
import { startNode } from "../node.ts";
import { batchAt, L1_SENDER, depositParam, rpc, signedHex, tempDir, testNodeConfig } from "../testing.ts";

/** A register-contribution by account 1 (test key 0). */
/** Datanet 1, open to CC-BY-4.0 (license 2), created by account 1 at nonce 0. */
const datanetTx: L2Tx = {
  type: TxType.CreateDatanet,
  from: 1,
  nonce: 0,
  fee: 2n,
  metadataHash: 3n,
  licensePolicy: 1 << 2,
  curationMode: CurationMode.Open,
  curators: [],
  minStake: 0n,
};

const contributionTx = (nonce: number): L2Tx => ({
  type: TxType.RegisterContribution,
  from: 1,
  nonce,
  fee: 2n,
  datanet: 1,
  contentRoot: 4n + BigInt(nonce),
  rowCount: 5,
  license: 2,
  uriCommitment: 7n,
  stake: 100n,
});

const logger = pino({ level: "silent" });

describe("batch sealing", () => {
  it("seals when the batch is full of transactions or of withdrawals, in the circuit's fixed layout", async () => {
    const node = await startNode(
      testNodeConfig(tempDir("seal"), { batchMaxTxs: 4, batchWithdrawals: 2, batchRegistrySlots: 0 }),
      logger,
    );
    try {
      for (let i = 0; i < 2; i++) await rpc(node.url, "ol_submitDeposit", [depositParam(i, i, 10n ** 6n)]);
      const send = (nonce: number, type: "transfer" | "withdraw") =>
        rpc(node.url, "ol_sendTransaction", [
          signedHex(
            type === "transfer"
              ? { type: TxType.Transfer, from: 1, nonce, fee: 2n, to: 2, amount: 10n }
              : { type: TxType.Withdraw, from: 1, nonce, fee: 2n, amount: 7n, recipient: L1_SENDER },
            0,
          ),
        ]);
      // Batch 1: two deposits and two transfers fill its four slots.
      expect((await send(0, "transfer")).result).toMatchObject({ batch: 1, position: 2 });
      expect((await send(1, "transfer")).result).toMatchObject({ batch: 1, position: 3 });
      // Batch 2 takes two withdrawals, then the third opens batch 3.
      expect((await send(2, "withdraw")).result).toMatchObject({ batch: 2, position: 0 });
      expect((await send(3, "withdraw")).result).toMatchObject({ batch: 2, position: 1 });
      expect((await send(4, "withdraw")).result).toMatchObject({ batch: 3, position: 0 });
      await node.sequencer.seal();

      const b1 = await batchAt(node.sequencer.view, 1);
      expect(b1.batchData.length).toBe(batchDataLength({ slots: 4, withdrawals: 2 }));
      const b2 = await batchAt(node.sequencer.view, 2);
      expect(b2.preStateRoot).toBe(b1.postStateRoot);
      expect(b2.withdrawals).toEqual([
        { recipient: L1_SENDER, amount: 7n },
        { recipient: L1_SENDER, amount: 7n },
      ]);
      expect([b1.queueStart, b1.queueEnd, b2.queueStart]).toEqual([0n, 2n, 2n]);
      expect((await batchAt(node.sequencer.view, 3)).txHashes).toHaveLength(1);
      // Pages start where they are asked to, however far from batch 1.
      const page = async (offset: number, limit: number) =>
        ((await rpc(node.url, "ol_listBatches", [{ offset, limit }])).result as { number: number }[]).map(
          (b) => b.number,
        );
      expect(await page(0, 2)).toEqual([1, 2]);
      expect(await page(1, 1)).toEqual([2]);
      expect(await page(2, 1)).toEqual([3]);
      expect(await page(2, 20)).toEqual([3]);
      expect(await page(3, 20)).toEqual([]);
    } finally {
      await node.stop();
    }
  });

  it("executes L1 queue operations: a forced withdrawal takes a withdrawal entry, a second parameter change a new batch", async () => {
    const dir = tempDir("seal-queue");
    const config = testNodeConfig(dir, { batchMaxTxs: 4, batchWithdrawals: 1 });
    let node = await startNode(config, logger);
    try {
      const seq = node.sequencer;
      for (let i = 0; i < 2; i++) await rpc(node.url, "ol_submitDeposit", [depositParam(i, i, 10n ** 6n)]);
      const ops = [
        { type: TxType.ForcedWithdrawal, queueIndex: 2n, l1Sender: L1_SENDER, account: 1, amount: 500n },
        { type: TxType.ForcedWithdrawal, queueIndex: 3n, l1Sender: L1_SENDER, account: 2, amount: 10n ** 9n },
        { type: TxType.SetParameter, queueIndex: 4n, paramId: 3, value: 77n },
        { type: TxType.Slash, queueIndex: 5n, account: 1, amount: 1n },
        { type: TxType.SetParameter, queueIndex: 6n, paramId: 4, value: 99n },
      ] as const;
      const placed = [];
      for (const op of ops) placed.push(await seq.executeQueueOp(op));
      // Batch 1: two deposits, the first forced withdrawal; the second needs a withdrawal entry
      // of its own (batch 2), which also takes the first parameter change; the second change
      // opens batch 3.
      expect(placed.map((p) => "batch" in p && [p.batch, p.position])).toEqual([
        [1, 2],
        [2, 0],
        [2, 1],
        [2, 2],
        [3, 0],
      ]);
      expect(seq.view.governance.minContributionStake).toBe(77n);
      await seq.seal();
      expect(seq.view.governance.minModelStake).toBe(99n);
      const [b1, b2] = [await batchAt(seq.view, 1), await batchAt(seq.view, 2)];
      expect(b1.withdrawals).toEqual([{ recipient: L1_SENDER, amount: 500n }]);
      expect(b2.withdrawals).toEqual([{ recipient: L1_SENDER, amount: 10n ** 6n }]);
      expect(seq.view.account(2)!.balance).toBe(0n);
      const root = (await seq.view.roots()).stateRoot;
      await node.stop();
      // A restart recovers the same state, parameters included.
      node = await startNode(config, logger);
      expect((await node.sequencer.view.roots()).stateRoot).toBe(root);
      expect(node.sequencer.view.queue.next).toBe(7n);
    } finally {
      await node.stop();
    }
  });

  it("gives each registry transaction a registry record and seals when the registry slots are used up", async () => {
    const node = await startNode(
      testNodeConfig(tempDir("registry"), { batchMaxTxs: 8, batchRegistrySlots: 1 }),
      logger,
    );
    try {
      await rpc(node.url, "ol_submitDeposit", [depositParam(0, 0, 10n ** 6n)]);
      const contribution = (nonce: number) => signedHex(contributionTx(nonce), 0);
      expect((await rpc(node.url, "ol_sendTransaction", [signedHex(datanetTx, 0)])).result).toMatchObject({
        batch: 1,
        position: 1,
      });
      expect((await rpc(node.url, "ol_sendTransaction", [contribution(1)])).result).toMatchObject({
        batch: 2,
        position: 0,
      });
      expect((await rpc(node.url, "ol_sendTransaction", [contribution(2)])).result).toMatchObject({
        batch: 3,
        position: 0,
      });
      // A model (account 1 stakes the minimum first) takes the next batch's registry slot.
      const stake = { type: TxType.Stake, from: 1, nonce: 3, fee: 2n, amount: 1000n } as const;
      expect((await rpc(node.url, "ol_sendTransaction", [signedHex(stake, 0)])).result).toMatchObject({
        batch: 3,
      });
      const model = signedHex(
        {
          type: TxType.RegisterModel,
          from: 1,
          nonce: 4,
          fee: 2n,
          modelHash: 8n,
          trainingConfigHash: 9n,
          contributions: [1, 2],
          checkpointCommitment: 10n,
          inferenceFee: 11n,
          baseModel: 0,
        },
        0,
      );
      expect((await rpc(node.url, "ol_sendTransaction", [model])).result).toMatchObject({
        batch: 4,
        position: 0,
      });
      await node.sequencer.seal();
      const shape = { slots: 8, withdrawals: 16, registrySlots: 1 };
      const at = batchDataLength({ slots: 8, withdrawals: 16 });
      expect((await batchAt(node.sequencer.view, 1)).batchData[at]).toBe(TxType.CreateDatanet);
      expect((await batchAt(node.sequencer.view, 4)).batchData[at]).toBe(TxType.RegisterModel);
      for (const n of [1, 2, 3, 4]) {
        const b = await batchAt(node.sequencer.view, n);
        expect(b.batchData.length).toBe(batchDataLength(shape));
      }
      // The registry record sits after the account records and the recipients: type, then datanet.
      const b2 = await batchAt(node.sequencer.view, 2);
      expect([b2.batchData[at], b2.batchData[at + 4]]).toEqual([TxType.RegisterContribution, 1]);
    } finally {
      await node.stop();
    }
  });

  it("refuses at submission the types the layout has no room for (0 withdrawal entries, 0 registry slots)", async () => {
    const node = await startNode(
      testNodeConfig(tempDir("seal-limits"), { batchMaxTxs: 2, batchWithdrawals: 0, batchRegistrySlots: 0 }),
      logger,
    );
    try {
      await rpc(node.url, "ol_submitDeposit", [depositParam(0, 0, 10n ** 6n)]);
      const refused = async (tx: L2Tx, limit: string) => {
        const reply = await rpc(node.url, "ol_sendTransaction", [signedHex(tx, 0)]);
        expect(reply.error).toMatchObject({
          code: -32026,
          message: expect.stringContaining(
            `has 0 ${limit === "batchWithdrawals" ? "withdrawal entries" : "registry slots"} (${limit})`,
          ),
          data: { code: ErrorCode.UnsupportedByLayout, limit },
        });
      };
      await refused(
        { type: TxType.Withdraw, from: 1, nonce: 0, fee: 2n, amount: 7n, recipient: L1_SENDER },
        "batchWithdrawals",
      );
      await refused(contributionTx(0), "batchRegistrySlots");
      await refused(
        {
          type: TxType.Inference,
          from: 1,
          nonce: 0,
          fee: 2n,
          model: 1,
          inputHash: 1n,
          outputHash: 2n,
          featureCommitment: 3n,
          payment: 1n,
        },
        "batchRegistrySlots",
      );
      // An L1 forced withdrawal cannot be refused by L1's rules, so the sequencer stops there
      // (the relay with it) instead of sealing a batch no circuit of this layout proves.
      await expect(
        node.sequencer.executeQueueOp({
          type: TxType.ForcedWithdrawal,
          queueIndex: 1n,
          l1Sender: L1_SENDER,
          account: 1,
          amount: 5n,
        }),
      ).rejects.toMatchObject({ code: ErrorCode.UnsupportedByLayout });
      // What the layout holds still goes through, and seals in it.
      const transfer = { type: TxType.Stake, from: 1, nonce: 0, fee: 2n, amount: 1n } as const;
      expect((await rpc(node.url, "ol_sendTransaction", [signedHex(transfer, 0)])).result).toMatchObject({
        batch: 1,
        position: 1,
      });
      await node.sequencer.drain();
      const b1 = await batchAt(node.sequencer.view, 1);
      expect(b1.batchData.length).toBe(batchDataLength({ slots: 2, withdrawals: 0 }));
      expect(node.sequencer.view.queue.next).toBe(1n);
    } finally {
      await node.stop();
    }
  });
});
