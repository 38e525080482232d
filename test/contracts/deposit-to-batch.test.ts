/**
 * Across sequencer and L1: a deposit queued on the Rollup contract, executed by the sequencer
 * in queue order, sealed into a batch and committed by the L1 poster. The contract accepts the
 * batch only if the sequencer's genesis root, queue hash and batch agree with L1's; then a real
 * proof of the stored public input finalizes it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { committedBatch } from "../../contracts/client/batch-roots.ts";
import { deploySystem, prepareArtifacts, proveStub, type System } from "../../contracts/test/fixture.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { nodeConfig } from "../../sequencer/config.ts";
import { L1BatchPoster } from "../../sequencer/l1/l1-poster.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";

describe("an L1 deposit reaches L2 and its batch is committed and proven on L1", () => {
  let s: System;
  let node: SequencerNode;
  let dataDir: string;

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    dataDir = await mkdtemp(join(tmpdir(), "openledger-seq-"));
    const rollup = String(s.d.rollup.target);
    const poster = new L1BatchPoster({
      rollup,
      signer: s.sequencer,
      batchCircuitId: s.d.file.batchCircuitId,
      retryDelayMs: 50,
    });
    node = await startNode(
      nodeConfig({
        dataDir,
        port: 0,
        domain: { chainId: BigInt(s.d.file.chainId), rollup },
        params: TEST_PARAMS,
        verifyWorkers: 0,
        batchIntervalMs: 100,
      }),
      pino({ level: "silent" }),
      poster,
    );
  });
  afterAll(async () => {
    await node?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await terminateSnarkjsCurve();
  });

  it("commits the sequencer's batch with the L1 queue consumed, then finalizes it", async () => {
    const alice = await s.alice.getAddress();
    const publicKey = derivePublicKey(new Uint8Array(32).fill(7));
    const amount = 5n * 10n ** 18n;
    await (await s.tokenAs(s.alice).getFunction("approve")(s.d.rollup.target, amount)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, publicKey.x, publicKey.y, amount)).wait();

    // What the bridge relay will do: hand the queued deposit to the sequencer, in queue order.
    await node.sequencer.executeQueueOp({
      type: 8,
      queueIndex: 0n,
      l1Sender: alice,
      to: 0,
      publicKey,
      amount,
    });

    const head = s.d.rollup.getFunction("head");
    for (let i = 0; i < 100 && (await head()).lastCommitted === 0n; i++)
      await new Promise((r) => setTimeout(r, 100));
    const h = await head();
    expect([h.lastCommitted, h.queueCommitted]).toEqual([1n, 1n]);
    const batch = await committedBatch(s.d.rollup, 1n);
    expect(batch?.roots.postStateRoot).toBe((await node.sequencer.view.roots()).stateRoot);
    expect(batch?.roots.queueEnd).toBe(1n);

    const proof = await proveStub(
      s.circuit,
      await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof)).wait();
    expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(1n);
  });
});
