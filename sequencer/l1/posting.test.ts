import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { TxType } from "../../protocol/tx/types.ts";
import type { BatchPoster, SealedBatch, SealedSettlement } from "./batch-poster.ts";
import { startNode } from "../node.ts";
import { depositParam, rpc, signedHex, tempDir, testNodeConfig } from "../testing.ts";

const logger = pino({ level: "silent" });

/** Records what it posts; fails the first `failures` calls. */
function poster(failures: number): BatchPoster & { posted: number[] } {
  let calls = 0;
  const posted: number[] = [];
  return {
    posted,
    async post(batch: SealedBatch) {
      if (calls++ < failures) throw new Error("L1 unreachable");
      posted.push(batch.number);
      const hash = `0x${batch.number.toString(16).padStart(64, "0")}`;
      return { l1TxHash: hash, blobVersionedHash: hash, commitment: BigInt(batch.number) };
    },
    async postSettlement(s: SealedSettlement) {
      posted.push(s.number);
      return { l1TxHash: `0x${s.number.toString(16).padStart(64, "0")}` };
    },
  };
}

/** Polls `cond` for up to two seconds. */
const until = async (cond: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await cond()).toBe(true);
};

describe("batch posting", () => {
  it("posts sealed batches in order, retries failures, and re-offers unposted batches after a restart", async () => {
    const dir = tempDir("post");
    const offline = await startNode(testNodeConfig(dir), logger);
    await rpc(offline.url, "ol_submitDeposit", [depositParam(0, 0, 1000n)]);
    await offline.sequencer.seal();
    await offline.stop();

    const flaky = poster(1);
    const node = await startNode({ ...testNodeConfig(dir), postRetryMs: 20 }, logger, flaky);
    try {
      const tx = signedHex({ type: TxType.Stake, from: 1, nonce: 0, fee: 1n, amount: 5n }, 0);
      await rpc(node.url, "ol_sendTransaction", [tx]);
      await node.sequencer.seal();
      // Batch 1 was sealed while no poster ran; the first attempt fails and is retried.
      await until(async () => (await node.sequencer.view.batch(2))?.l1TxHash !== undefined);
      expect(flaky.posted).toEqual([1, 2]);
      expect((await node.sequencer.view.batch(1))?.l1TxHash).toBe(`0x${"1".padStart(64, "0")}`);
    } finally {
      await node.stop();
    }
  });
});
