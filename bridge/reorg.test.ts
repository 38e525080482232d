/**
 * The queue relay through L1 reorgs, on the real parts: the contracts on an in-process EDR
 * chain reorganised with evm_snapshot / evm_revert (the blocks after the snapshot are replaced
 * by the ones mined next), a real sequencer node whose LevelDB keeps the relay's records.
 * The cases run in order on one chain; the last leaves L2 ahead of L1 on purpose.
 */
import { Contract, type Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { committedBatch } from "../contracts/client/batch-roots.ts";
import { ROLLUP_ABI } from "../contracts/client/rollup-abi.ts";
import { deploySystem, prepareArtifacts, type System } from "../contracts/test/fixture.ts";
import { deriveL2Key } from "../protocol/keys.ts";
import { relaySink } from "../sequencer/l1/relay-sink.ts";
import type { SequencerNode } from "../sequencer/node.ts";
import { KEY } from "../sequencer/storage/schema.ts";
import { BridgeErrorCode } from "./errors.ts";
import { L1QueueRelay } from "./queue-relay.ts";
import { committed, silent, startBridgeNode, waitFor } from "./testing.ts";

const OPEN = 10n ** 18n;

describe("queue relay: L1 reorgs around deposits", () => {
  let s: System;
  let node: SequencerNode;
  let rollupAddress: string;

  const relay = (confirmations = 0) =>
    new L1QueueRelay({
      rollup: new Contract(rollupAddress, ROLLUP_ABI, s.ethers.provider),
      sink: relaySink(node),
      fromBlock: s.d.file.deployedAtBlock,
      confirmations,
      pollMs: 20,
      logger: silent,
    });
  /** Deposits `amount` from `who` to L2 account `to` (0: a new account); returns its L1 block. */
  const deposit = async (who: Signer, to: number, amount: bigint): Promise<number> => {
    await (await s.tokenAs(who).getFunction("approve")(rollupAddress, amount)).wait();
    const { x, y } = (await deriveL2Key(who, { chainId: await chainId(), rollup: rollupAddress })).publicKey;
    const receipt = await (await s.rollupAs(who).getFunction("deposit")(to, x, y, amount)).wait();
    return receipt.blockNumber;
  };
  const chainId = async () => (await s.ethers.provider.getNetwork()).chainId;
  const snapshot = (): Promise<string> => s.ethers.provider.send("evm_snapshot", []);
  /** Replaces every block mined since `id` was taken: L1 reorganises once new blocks come. */
  const revert = async (id: string) => expect(await s.ethers.provider.send("evm_revert", [id])).toBe(true);
  const mine = async (n: number) => {
    for (let i = 0; i < n; i++) await s.ethers.provider.send("evm_mine", []);
  };
  const balance = (account: number) => node.sequencer.view.account(account)?.balance;
  const l1QueueHash = async () =>
    s.d.rollup.getFunction("queueHashAt")(await s.d.rollup.getFunction("queueLength")());

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollupAddress = String(s.d.rollup.target);
    node = await startBridgeNode(s, "bridge-reorg");
  });

  afterAll(async () => {
    await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("credits a deposit only at confirmation depth, and never one reorged out before it", async () => {
    const careful = relay(2);
    const before = snapshot();
    await deposit(s.alice, 0, 50n * OPEN);
    await mine(1);
    expect(await careful.poll()).toBe(0);
    // The deposit's block is replaced before it was two blocks deep: it never reaches L2.
    await revert(await before);
    await mine(3);
    expect(await careful.poll()).toBe(0);
    expect(node.sequencer.view.queue).toEqual({ next: 0n, hash: 0n });
    expect(node.sequencer.view.counters.accounts).toBe(0);

    // Another deposit takes queue index 0 on the new branch; it waits for its depth too.
    await deposit(s.bob, 0, 20n * OPEN);
    await mine(1);
    expect(await careful.poll()).toBe(0);
    await mine(1);
    expect(await careful.poll()).toBe(1);
    const bob = node.sequencer.view.counters.accounts;
    expect(bob).toBe(1);
    expect(node.sequencer.view.account(bob)!.l1Address).toBe(await s.bob.getAddress());
    expect(balance(bob)).toBe(20n * OPEN);
    expect(node.sequencer.view.queue).toEqual({ next: 1n, hash: await l1QueueHash() });
  });

  it("reads again the blocks a reorg replaced, and credits a deposit the new branch put there", async () => {
    const r = relay();
    const before = snapshot();
    await mine(4);
    const read = await s.ethers.provider.getBlockNumber();
    expect(await r.poll()).toBe(0);
    // The new branch holds a deposit in a block below the height the relay already read.
    await revert(await before);
    expect(await deposit(s.bob, 1, 10n * OPEN)).toBeLessThan(read);
    expect(await r.poll()).toBe(1);
    expect(balance(1)).toBe(30n * OPEN);
    expect(node.sequencer.view.queue).toEqual({ next: 2n, hash: await l1QueueHash() });
  });

  it("credits once a deposit L1 re-mines in another block after a reorg, across a restart too", async () => {
    const r = relay();
    const before = snapshot();
    const firstBlock = await deposit(s.alice, 0, 100n * OPEN);
    expect(await r.poll()).toBe(1);
    const alice = node.sequencer.view.counters.accounts;
    expect(balance(alice)).toBe(100n * OPEN);
    const sink = relaySink(node);
    expect((await sink.relayed(2n))!.blockNumber).toBe(firstBlock);

    // The deposit's block is reorged out, and the same deposit is mined again, one block later.
    await revert(await before);
    await mine(1);
    const againBlock = await deposit(s.alice, 0, 100n * OPEN);
    expect(againBlock).toBe(firstBlock + 1);
    expect(await r.poll()).toBe(0);
    expect(await relay().poll()).toBe(0);
    expect(balance(alice)).toBe(100n * OPEN);
    expect(node.sequencer.view.counters.accounts).toBe(alice);
    expect(node.sequencer.view.queue).toEqual({ next: 3n, hash: await l1QueueHash() });
    // The record follows the operation to its new block.
    const moved = (await sink.relayed(2n))!;
    expect(moved.blockNumber).toBe(againBlock);
    expect(moved.blockHash).toBe((await s.ethers.provider.getBlock(againBlock))!.hash);

    // A database from before the relay kept records: L1's rolling hash at L2's cursor vouches
    // for every operation before it, and the records are written again.
    const records = await Promise.all([0n, 1n, 2n].map((i) => sink.relayed(i)));
    await node.store.write([0n, 1n, 2n].map((i) => ({ type: "del", key: KEY.relayedOp(i) })));
    expect(await relay().poll()).toBe(0);
    expect(await Promise.all([0n, 1n, 2n].map((i) => sink.relayed(i)))).toEqual(records);
    expect(balance(alice)).toBe(100n * OPEN);

    // The relay goes on with the queue after it.
    await deposit(s.alice, alice, 5n * OPEN);
    expect(await r.poll()).toBe(1);
    expect(balance(alice)).toBe(105n * OPEN);
  });

  it("commits again a batch whose commit L1 lost in a reorg, before the next one", async () => {
    const alice = node.sequencer.view.counters.accounts;
    const before = snapshot();
    const first = (await node.sequencer.seal())!;
    // The node's poster commits it: a blob commit, seconds alone, longer on a loaded machine.
    await waitFor(
      async () => (await node.sequencer.view.batch(first.number))?.l1TxHash !== undefined,
      90_000,
    );
    await revert(await before);
    expect((await s.d.rollup.getFunction("head")()).lastCommitted).toBe(0n);

    await deposit(s.alice, alice, 3n * OPEN);
    expect(await relay().poll()).toBe(1);
    const second = (await node.sequencer.seal())!;
    // Two blob commits (the lost one again, then this one) on a shared machine: time to spare.
    await committed(s, second.number, 90_000);
    for (const entry of [first, second]) {
      const onL1 = (await committedBatch(s.d.rollup, BigInt(entry.number)))!;
      expect(onL1.roots).toEqual({
        postStateRoot: entry.postStateRoot,
        withdrawalsRoot: entry.withdrawalsRoot,
        queueEnd: entry.queueEnd,
      });
      await waitFor(async () => (await node.sequencer.view.batch(entry.number))?.l1TxHash === onL1.l1TxHash);
    }
    expect(balance(alice)).toBe(108n * OPEN);
  }, 240_000);

  it("stops loudly when L1 replaces a deposit L2 executed with another, crediting nothing more", async () => {
    const alice = node.sequencer.view.counters.accounts;
    const bob = 1;
    const r = relay();
    const before = snapshot();
    await deposit(s.alice, alice, 7n * OPEN);
    expect(await r.poll()).toBe(1);
    expect(balance(alice)).toBe(115n * OPEN);
    const queue = node.sequencer.view.queue;
    expect(queue.next).toBe(6n);

    // Queue index 5 is now Bob's deposit on L1: L2 holds an operation L1 no longer has.
    await revert(await before);
    await deposit(s.bob, bob, 9n * OPEN);
    r.start();
    await waitFor(async () => r.error !== undefined);
    await r.stop();
    expect(r.error).toMatchObject({ code: BridgeErrorCode.QueueReorged, details: { queueIndex: 5n } });
    expect(r.error!.message).toMatch(/queue operation 5 .* which L2 already executed/);
    // A relay started afresh (a restart) reads the same records and stops the same way.
    await expect(relay().poll()).rejects.toMatchObject({ code: BridgeErrorCode.QueueReorged });
    // Without its record, L1's rolling hash at L2's cursor disagrees with L2's: stopped too.
    await node.store.write([{ type: "del", key: KEY.relayedOp(5n) }]);
    await expect(relay().poll()).rejects.toThrow(/queue operation 5 .* is not the one L2 executed/);
    expect(balance(alice)).toBe(115n * OPEN);
    expect(balance(bob)).toBe(30n * OPEN);
    expect(node.sequencer.view.queue).toEqual(queue);
  });
});
