import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { RollupState } from "../../protocol/state/state.ts";
import { applyTx } from "../../protocol/state/apply.ts";
import { beginBatch, closeBatch } from "../../protocol/state/batch.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import { type Deposit, TxType } from "../../protocol/tx/types.ts";
import { startNode } from "../node.ts";
import { depositParam, L1_SENDER, rpc, tempDir, TEST_GOVERNANCE, testNodeConfig } from "../testing.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";

const logger = pino({ level: "silent" });

const deposit = (queueIndex: bigint, publicKey: { x: bigint; y: bigint }): Deposit => ({
  type: TxType.Deposit,
  queueIndex,
  l1Sender: L1_SENDER,
  to: 0,
  publicKey,
  amount: 10n ** 6n,
});

describe("queue operations execute as provers replay them", () => {
  it("refuses a deposit whose key the wire encoding cannot carry, in-process and over RPC, and moves nothing", async () => {
    const node = await startNode(testNodeConfig(tempDir("queue-ops")), logger);
    try {
      const before = {
        queue: node.sequencer.view.queue,
        root: (await node.sequencer.view.roots()).stateRoot,
      };
      // (5, 7) is off the curve: its packed form (y and the sign of x) names no point, or another one.
      await expect(node.sequencer.executeQueueOp(deposit(0n, { x: 5n, y: 7n }))).rejects.toMatchObject({
        code: expect.stringMatching(new RegExp(`^(${ErrorCode.InvalidKey}|${ErrorCode.InvalidEncoding})$`)),
      });
      const identity = { x: fieldToHex(0n), y: fieldToHex(1n) };
      const reply = await rpc(node.url, "ol_submitDeposit", [
        { ...depositParam(0, 1, 10n), publicKey: identity },
      ]);
      expect(reply.error).toMatchObject({ code: -32602, data: { code: ErrorCode.InvalidKey } });
      expect(node.sequencer.view.queue).toEqual(before.queue);
      expect((await node.sequencer.view.roots()).stateRoot).toBe(before.root);

      // A valid deposit: the stored bytes replay to the sequencer's root.
      expect(
        (await rpc(node.url, "ol_submitDeposit", [depositParam(0, 1, 10n ** 6n)])).error,
      ).toBeUndefined();
      const sealed = (await node.sequencer.seal())!;
      const replay = new RollupState({
        domain: DEV_DOMAIN,
        params: TEST_PARAMS,
        governance: TEST_GOVERNANCE,
      });
      const ctx = beginBatch(replay);
      for (const hash of sealed.txHashes) {
        const tx = await node.sequencer.view.transaction(hash);
        applyTx(replay, ctx, decodeTx(tx!.raw));
      }
      expect(closeBatch(replay, ctx, sealed.feeRecipient).stateRoot).toBe(sealed.postStateRoot);
    } finally {
      await node.stop();
    }
  });
});
