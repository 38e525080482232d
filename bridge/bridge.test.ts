/**
 * The bridge against real parts: the contracts deployed on an in-process EDR chain, a real
 * sequencer node (LevelDB, JSON-RPC) whose batches the L1 poster commits, real Groth16 proofs
 * of the stub batch circuit (one public input, proves nothing about the batch: the bridge
 * tests the L1 flow; test/e2e proves batches with the real batch circuit).
 */
import { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { ROLLUP_ABI } from "../contracts/client/rollup-abi.ts";
import { deploySystem, prepareArtifacts, type System } from "../contracts/test/fixture.ts";
import { deriveL2Key, type L2KeyPair } from "../protocol/keys.ts";
import { encodeTx } from "../protocol/tx/codec.ts";
import { signTx } from "../protocol/tx/sign.ts";
import { TxType } from "../protocol/tx/types.ts";
import { relaySink } from "../sequencer/l1/relay-sink.ts";
import type { SequencerNode } from "../sequencer/node.ts";
import { claimWithdrawals } from "./claims.ts";
import { L1QueueRelay, type QueueSink } from "./queue-relay.ts";
import { committed, finalize, silent, startBridgeNode } from "./testing.ts";

const OPEN = 10n ** 18n;
const logger = silent;

describe("bridge: L1 deposits and forced withdrawals reach L2, L2 withdrawals are claimed on L1", () => {
  let s: System;
  let node: SequencerNode;
  let rollupAddress: string;
  let domain: { chainId: bigint; rollup: string };
  let aliceKey: L2KeyPair;
  let aliceAccount: number;
  let sink: QueueSink;

  const relay = (over: Partial<ConstructorParameters<typeof L1QueueRelay>[0]> = {}) =>
    new L1QueueRelay({
      rollup: new Contract(rollupAddress, ROLLUP_ABI, s.ethers.provider),
      sink,
      fromBlock: s.d.file.deployedAtBlock,
      confirmations: 0,
      pollMs: 50,
      logger,
      ...over,
    });
  const deposit = async (to: number, amount: bigint) => {
    await (await s.tokenAs(s.alice).getFunction("approve")(rollupAddress, amount)).wait();
    const { x, y } = aliceKey.publicKey;
    await (await s.rollupAs(s.alice).getFunction("deposit")(to, x, y, amount)).wait();
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollupAddress = String(s.d.rollup.target);
    domain = { chainId: (await s.ethers.provider.getNetwork()).chainId, rollup: rollupAddress };
    aliceKey = await deriveL2Key(s.alice, domain);
    node = await startBridgeNode(s, "bridge");
    sink = relaySink(node);
  });

  afterAll(async () => {
    await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("relays a deposit once, opening an account for the depositor's L2 key, with L1's queue hash", async () => {
    await deposit(0, 100n * OPEN);
    const r = relay();
    expect(await r.poll()).toBe(1);
    aliceAccount = node.sequencer.view.counters.accounts;
    const account = node.sequencer.view.account(aliceAccount)!;
    expect(account.balance).toBe(100n * OPEN);
    expect(account.publicKey).toEqual(aliceKey.publicKey);
    expect(account.l1Address).toBe(await s.alice.getAddress());
    const l1Hash = await s.d.rollup.getFunction("queueHashAt")(1n);
    expect(node.sequencer.view.queue).toEqual({ next: 1n, hash: l1Hash });
    // Polling again, or a relay restarted from the deployment block, relays nothing twice.
    expect(await r.poll()).toBe(0);
    expect(await relay().poll()).toBe(0);
    expect(node.sequencer.view.account(aliceAccount)!.balance).toBe(100n * OPEN);
  });

  it("waits for confirmations before relaying", async () => {
    await deposit(aliceAccount, 5n * OPEN);
    const careful = relay({ confirmations: 3 });
    expect(await careful.poll()).toBe(0);
    for (let i = 0; i < 3; i++) await s.ethers.provider.send("evm_mine", []);
    expect(await careful.poll()).toBe(1);
    expect(node.sequencer.view.account(aliceAccount)!.balance).toBe(105n * OPEN);
  });

  it("pays an L2 withdrawal on L1 once its batch is final, once", async () => {
    const recipient = await s.alice.getAddress();
    const withdraw = signTx(
      { type: TxType.Withdraw, from: aliceAccount, nonce: 0, fee: 0n, amount: 40n * OPEN, recipient },
      aliceKey.privateKey,
      domain,
      s.config.protocol,
    );
    await node.sequencer.submit(encodeTx(withdraw));
    const sealed = (await node.sequencer.seal())!;
    expect(sealed.withdrawals).toEqual([{ recipient, amount: 40n * OPEN }]);
    await committed(s, sealed.number);

    // Not final yet: the tooling says so before sending anything.
    await expect(claimWithdrawals(rollupAddress, s.bob, sealed.number, sealed.withdrawals)).rejects.toThrow(
      /not final on L1 yet/,
    );
    await finalize(s, sealed.number);

    // A list that is not the batch's is refused, whoever serves it.
    await expect(
      claimWithdrawals(rollupAddress, s.bob, sealed.number, [{ recipient, amount: 41n * OPEN }]),
    ).rejects.toThrow(/do not hash to batch/);

    const before = await s.d.token.getFunction("balanceOf")(recipient);
    // Bob relays the claim; the OPEN goes to Alice, the leaf's recipient.
    const [paid] = await claimWithdrawals(rollupAddress, s.bob, sealed.number, sealed.withdrawals);
    expect(paid!.l1TxHash).toMatch(/^0x/);
    expect(await s.d.token.getFunction("balanceOf")(recipient)).toBe(before + 40n * OPEN);
    const [again] = await claimWithdrawals(rollupAddress, s.bob, sealed.number, sealed.withdrawals);
    expect(again!.l1TxHash).toBeUndefined();
    expect(await s.d.token.getFunction("balanceOf")(recipient)).toBe(before + 40n * OPEN);
  });

  it("stops on a queue hash L2 does not reproduce instead of feeding L2 a wrong operation", async () => {
    await deposit(aliceAccount, 1n * OPEN);
    const lying: QueueSink = { ...sink, queue: () => ({ ...sink.queue(), hash: 12345n }) };
    await expect(relay({ sink: lying }).poll()).rejects.toThrow(/queue hash mismatch at operation 2/);
    expect(await relay().poll()).toBe(1);
  });

  it("executes a forced withdrawal from L1 on L2 and pays it on L1 once final; a stranger's does nothing", async () => {
    const alice = await s.alice.getAddress();
    const before = node.sequencer.view.account(aliceAccount)!;
    // Bob's order on Alice's account is consumed and does nothing; Alice's (the address that
    // opened it) withdraws, and more than the balance would take the balance.
    await (await s.rollupAs(s.bob).getFunction("forceWithdrawal")(aliceAccount, 7n * OPEN)).wait();
    await (await s.rollupAs(s.alice).getFunction("forceWithdrawal")(aliceAccount, 10n * OPEN)).wait();
    expect(await relay().poll()).toBe(2);
    expect(node.sequencer.view.queue).toEqual({
      next: 5n,
      hash: await s.d.rollup.getFunction("queueHashAt")(5n),
    });
    expect(node.sequencer.view.account(aliceAccount)).toMatchObject({
      balance: before.balance - 10n * OPEN,
      nonce: before.nonce,
    });
    const sealed = (await node.sequencer.seal())!;
    expect(sealed.queueEnd).toBe(5n);
    expect(sealed.withdrawals).toEqual([{ recipient: alice, amount: 10n * OPEN }]);
    await finalize(s, sealed.number);
    const paidBefore = await s.d.token.getFunction("balanceOf")(alice);
    await claimWithdrawals(rollupAddress, s.bob, sealed.number, sealed.withdrawals);
    expect(await s.d.token.getFunction("balanceOf")(alice)).toBe(paidBefore + 10n * OPEN);
  });
});
