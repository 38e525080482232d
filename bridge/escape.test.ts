/**
 * A user's whole bridge against real parts (EDR chain, sequencer on LevelDB, L1 poster, stub
 * Groth16 proofs as in bridge.test.ts): a withdrawal followed to its claim; then a sequencer
 * that ignores a forced withdrawal, the freeze that follows, an exit proven against the last
 * finalized state (rebuilt by replay and checked against L1, while the live state is ahead)
 * and the refund of a deposit no final batch processed.
 */
import { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { committedBatch, rootsArg } from "../contracts/client/batch-roots.ts";
import { advanceTime, deploySystem, prepareArtifacts, type System } from "../contracts/test/fixture.ts";
import { deriveL2Key, type L2KeyPair } from "../protocol/keys.ts";
import { TxType } from "../protocol/tx/types.ts";
import { relaySink } from "../sequencer/l1/relay-sink.ts";
import type { SequencerNode } from "../sequencer/node.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { BRIDGE_ABI } from "./bridge-abi.ts";
import { claimWithdrawals } from "./claims.ts";
import { BridgeErrorCode } from "./errors.ts";
import { accountsOf, exitAccount, exitProofOf, freezeRollup, refundDeposits } from "./escape.ts";
import { type EntrySource, replayFinalized, sequencerEntries } from "./finalized-state.ts";
import { depositToL2, forceWithdrawal } from "./l1-orders.ts";
import { L1QueueRelay } from "./queue-relay.ts";
import type { WithdrawalStage } from "./stages.ts";
import { readStatus } from "./status-read.ts";
import { committed, finalize, silent, startBridgeNode } from "./testing.ts";
import { followWithdrawal } from "./withdraw.ts";
import { withdrawalProofs } from "./withdrawal-proof.ts";

const OPEN = 10n ** 18n;
const QUEUE_FEE = OPEN / 100n;

describe("bridge for people: withdraw and claim, forced withdrawal, freeze, exit, refund", () => {
  let s: System;
  let node: SequencerNode;
  let l2: OpenLedgerProvider;
  let rollupAddress: string;
  let reader: Contract;
  let fromBlock: number;
  let alice: string;
  let bob: string;
  let aliceKey: L2KeyPair;
  let aliceAccount: number;
  let relay: L1QueueRelay;

  const balanceOf = (who: string): Promise<bigint> => s.d.token.getFunction("balanceOf")(who);

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts(), (c) => ({ ...c, l1: { ...c.l1, queueFee: QUEUE_FEE } }));
    rollupAddress = String(s.d.rollup.target);
    reader = new Contract(rollupAddress, BRIDGE_ABI, s.ethers.provider);
    fromBlock = s.d.file.deployedAtBlock;
    [alice, bob] = [await s.alice.getAddress(), await s.bob.getAddress()];
    aliceKey = await deriveL2Key(s.alice, {
      chainId: (await s.ethers.provider.getNetwork()).chainId,
      rollup: rollupAddress,
    });
    node = await startBridgeNode(s, "bridge-escape");
    l2 = new OpenLedgerProvider(`${node.url}/rpc`);
    relay = new L1QueueRelay({
      rollup: reader,
      sink: relaySink(node),
      fromBlock,
      confirmations: 0,
      pollMs: 50,
      logger: silent,
    });
  });

  afterAll(async () => {
    await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("follows a withdrawal through sealed, committed, proven and final, and claims it to the exact L1 balance", async () => {
    const treasury = s.d.file.contracts.timelock;
    const treasuryBefore = await balanceOf(treasury);
    const deposited = await depositToL2(rollupAddress, s.alice, {
      to: 0,
      key: aliceKey.publicKey,
      amount: 100n * OPEN,
    });
    expect(deposited.fee).toBe(QUEUE_FEE);
    expect(await balanceOf(treasury)).toBe(treasuryBefore + QUEUE_FEE);
    expect(await relay.poll()).toBe(1);
    aliceAccount = node.sequencer.view.counters.accounts;
    const { domain, params } = await l2.getParams();
    const wallet = new L2Wallet(aliceKey, aliceAccount, l2, domain, params);

    const sent = await wallet.withdraw(40n * OPEN, alice);
    if (sent.status !== "executed") throw new Error("the withdrawal waits for a nonce");
    const before = await balanceOf(alice);
    const stages: WithdrawalStage[] = [];
    const following = followWithdrawal({
      l2,
      rollupAddress,
      signer: s.alice,
      batch: sent.batch,
      recipient: alice,
      fromBlock,
      pollMs: 20,
      timeoutMs: 60_000,
      onStage: (stage) => stages.push(stage),
    });
    await node.sequencer.seal();
    await finalize(s, sent.batch);
    const [claim] = await following;
    expect(stages).toEqual(["sealed", "committed", "proven", "final", "claimed"]);
    expect(claim).toMatchObject({ leafIndex: 0, recipient: alice, amount: 40n * OPEN });
    expect(await balanceOf(alice)).toBe(before + 40n * OPEN);

    // A second claim: the tooling sends nothing, and L1 refuses one sent anyway.
    const batch = await l2.getBatch(sent.batch);
    const withdrawals =
      batch!.kind === "batch" ? batch!.withdrawals.map((w) => ({ ...w, amount: BigInt(w.amount) })) : [];
    const [again] = await claimWithdrawals(rollupAddress, s.alice, sent.batch, withdrawals);
    expect(again!.l1TxHash).toBeUndefined();
    const committed = (await committedBatch(reader, sent.batch, fromBlock))!;
    const [proof] = withdrawalProofs(withdrawals, Number(await reader.getFunction("withdrawalsDepth")()));
    const claimOnL1 = (leaf: number, recipient: string) =>
      s.rollupAs(s.bob).getFunction("claimWithdrawal")(
        sent.batch,
        rootsArg(committed.roots),
        leaf,
        recipient,
        40n * OPEN,
        proof!.siblings,
      );
    await expect(claimOnL1(0, alice)).rejects.toThrow(/AlreadyClaimed/);
    // A forged claim: more than the leaf pays (the tooling refuses it), a leaf the batch does
    // not have (L1 refuses it).
    await expect(
      claimWithdrawals(rollupAddress, s.bob, sent.batch, [{ recipient: alice, amount: 41n * OPEN }]),
    ).rejects.toThrow(/do not hash to batch/);
    await expect(claimOnL1(1, bob)).rejects.toThrow(/InvalidMerkleProof/);
    expect(await balanceOf(alice)).toBe(before + 40n * OPEN);

    const status = await readStatus(reader, l2, alice, fromBlock);
    expect(status.rows.map((r) => [r.kind, r.stage, r.amount])).toEqual([
      ["deposit", "final", 100n * OPEN],
      ["withdrawal", "claimed", 40n * OPEN],
    ]);
  });

  it("a censored forced withdrawal leads to a freeze, an exit from the last finalized state and a refund", async () => {
    // Bob's account, final on L1.
    await depositToL2(rollupAddress, s.bob, { to: 0, key: aliceKey.publicKey, amount: 50n * OPEN });
    expect(await relay.poll()).toBe(1);
    const bobAccount = node.sequencer.view.counters.accounts;
    const sealed = (await node.sequencer.seal())!;
    await finalize(s, sealed.number);
    const lastFinal = sealed.number;
    // Alice pays Bob 5 OPEN in a batch L1 holds but no one proves: the live state moves past
    // the final one, and the exit must not be built from it.
    const { domain, params, governance } = await l2.getParams();
    await new L2Wallet(aliceKey, aliceAccount, l2, domain, params).transfer(bobAccount, 5n * OPEN);
    const unproven = (await node.sequencer.seal())!;
    await committed(s, unproven.number);

    // The sequencer ignores Alice's forced withdrawal (the relay never runs again) and Bob's deposit.
    const forced = await forceWithdrawal(rollupAddress, s.alice, aliceAccount, 10n * OPEN);
    expect(forced.operation).toMatchObject({ kind: 2, account: aliceAccount, amount: 10n * OPEN });
    const bobBefore = await balanceOf(bob);
    await depositToL2(rollupAddress, s.bob, { to: 0, key: aliceKey.publicKey, amount: 7n * OPEN });
    expect(await balanceOf(bob)).toBe(bobBefore - 7n * OPEN - QUEUE_FEE);

    await expect(freezeRollup(rollupAddress, s.bob, fromBlock)).rejects.toMatchObject({
      code: BridgeErrorCode.NothingExpired,
    });
    const live = await replayFinalized(
      sequencerEntries(l2),
      reader,
      { domain, params, governance },
      {
        upTo: unproven.number,
        fromBlock,
      },
    );
    await expect(
      exitAccount(rollupAddress, s.alice, exitProofOf(live, aliceAccount), aliceAccount),
    ).rejects.toMatchObject({
      code: BridgeErrorCode.NotFrozen,
    });
    expect((await readStatus(reader, l2, alice, fromBlock)).rows[1]).toMatchObject({
      kind: "forced withdrawal",
      stage: "queued",
      next: expect.stringMatching(/^wait: the sequencer must process it by/),
    });
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    expect((await readStatus(reader, l2, alice, fromBlock)).rows[1]!.next).toMatch(
      /^overdue: .*bridge freeze/,
    );

    // Bob freezes: anyone may, once an operation is overdue.
    const frozen = await freezeRollup(rollupAddress, s.bob, fromBlock);
    expect(frozen).toMatchObject({ lastFinalized: lastFinal, expiredOperation: forced.operation.index });
    const afterFreeze = await readStatus(reader, l2, alice, fromBlock);
    expect(afterFreeze.frozen).toBe(true);
    expect(afterFreeze.rows.map((r) => [r.kind, r.stage])).toEqual([
      ["deposit", "final"],
      ["forced withdrawal", "void"],
      ["withdrawal", "claimed"],
      ["exit", "open"],
    ]);

    // The last finalized state, replayed from the sequencer's entries and checked against L1.
    const entries = sequencerEntries(l2);
    const seen: number[] = [];
    const state = await replayFinalized(
      entries,
      reader,
      { domain, params, governance },
      {
        upTo: lastFinal,
        fromBlock,
        progress: (n) => seen.push(n),
      },
    );
    expect(seen).toEqual([1, 2]);
    expect(state.root()).toBe(BigInt(await reader.getFunction("finalizedStateRoot")()));
    expect(accountsOf(state, alice)).toEqual([aliceAccount]);
    // The live state is ahead (Alice paid Bob 5 OPEN after the last final batch): refused.
    expect(live.accounts.get(aliceAccount)!.balance).toBe(55n * OPEN);
    await expect(
      exitAccount(rollupAddress, s.alice, exitProofOf(live, aliceAccount), aliceAccount),
    ).rejects.toMatchObject({
      code: BridgeErrorCode.RootMismatch,
    });
    // A source that serves other data (Bob's deposit one unit larger) is caught at the first
    // entry it changes.
    const lying: EntrySource = {
      entry: async (n) => {
        const e = await entries.entry(n);
        if (e?.kind !== "batch" || n !== 2) return e;
        return {
          ...e,
          txs: e.txs.map((tx) => (tx.type === TxType.Deposit ? { ...tx, amount: tx.amount + 1n } : tx)),
        };
      },
    };
    await expect(
      replayFinalized(lying, reader, { domain, params, governance }, { upTo: lastFinal, fromBlock }),
    ).rejects.toThrow(/entry 2 replays to state root .* but L1 committed/);

    const aliceBefore = await balanceOf(alice);
    // Bob sends Alice's exit: L1 pays the account's l1Address its final balance, 100 - 40.
    const exit = await exitAccount(rollupAddress, s.bob, exitProofOf(state, aliceAccount), aliceAccount);
    expect(exit).toMatchObject({ account: aliceAccount, to: alice, amount: 60n * OPEN });
    expect(await balanceOf(alice)).toBe(aliceBefore + 60n * OPEN);
    await expect(
      exitAccount(rollupAddress, s.alice, exitProofOf(state, aliceAccount), aliceAccount),
    ).rejects.toMatchObject({
      code: BridgeErrorCode.NothingToPay,
    });
    expect((await readStatus(reader, l2, alice, fromBlock)).rows.at(-1)).toMatchObject({
      kind: "exit",
      stage: "exited",
    });

    // Bob's unprocessed deposit comes back once, to the OPEN unit; his processed one does not.
    const bobBeforeRefund = await balanceOf(bob);
    const refunds = await refundDeposits(rollupAddress, s.alice, bob, fromBlock);
    expect(refunds).toEqual([
      { queueIndex: forced.operation.index + 1n, amount: 7n * OPEN, l1TxHash: expect.any(String) },
    ]);
    expect(await balanceOf(bob)).toBe(bobBeforeRefund + 7n * OPEN);
    const [again] = await refundDeposits(rollupAddress, s.bob, bob, fromBlock);
    expect(again!.l1TxHash).toBeUndefined();
    expect(await balanceOf(bob)).toBe(bobBeforeRefund + 7n * OPEN);
    expect(await refundDeposits(rollupAddress, s.alice, alice, fromBlock)).toEqual([]);
  });
});
