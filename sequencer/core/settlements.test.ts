import { cpSync } from "node:fs";
import { serialize } from "node:v8";
import { Level } from "level";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { committedSettlement } from "../../contracts/client/settlements.ts";
import {
  deploySystem,
  enableSettlements,
  prepareArtifacts,
  type System,
} from "../../contracts/test/fixture.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { scoresCommitment, settlementPublicInput } from "../../protocol/rewards/commitment.ts";
import { encodeSettlementData, type SettlementData } from "../../protocol/rewards/encoding.ts";
import { planSettlement } from "../../protocol/rewards/settlement.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import {
  REWARD_FIXTURE_SETTLEMENT,
  rewardFixture,
  ledgerKey,
  rewardFixtureLedger,
} from "../../protocol/rewards/testing.ts";
import { TEST_GOVERNANCE, TEST_PROVER } from "../../protocol/testing.ts";
import { encodeSignature, encodeTx } from "../../protocol/tx/codec.ts";
import { isQueueOp, TxType } from "../../protocol/tx/types.ts";
import { signTx } from "../../protocol/tx/sign.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import type { SubmitResult } from "../../sdk/wire.ts";
import { L1BatchPoster } from "../l1/l1-poster.ts";
import { L1ProverRegistry } from "../l1/prover-registry.ts";
import { type SequencerNode, startNode } from "../node.ts";
import { settledInferenceView } from "../rpc/views.ts";
import { KEY, type WalEntry } from "../storage/schema.ts";
import { rpc, tempDir, testNodeConfig } from "../testing.ts";
import type { AcceptedSettlement } from "./settlements.ts";

/**
 * Reward settlements through the sequencer (docs/protocol.md §11), on a real EDR chain: the
 * submitter policy asks the rollup, the poster commits the entries, the state survives a restart.
 * Epochs of one entry, so that epoch 0 ends with batch 1, which holds the reward fixture.
 */
const GOVERNANCE = { ...TEST_GOVERNANCE, epochLength: 1 };
const SHAPE = { inferences: 2, contributions: 4 };
const REWARD_CIRCUIT = 2;
const TREASURY = 6;
const { treasuryAccount: _treasury, ...GOOD } = REWARD_FIXTURE_SETTLEMENT;

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

describe("reward settlements in the sequencer", () => {
  let s: System;
  let dir: string;
  let node: SequencerNode;
  const crashDir = tempDir("settle-crash");
  const transfers: SubmitResult[] = [];

  const start = () =>
    startNode(
      testNodeConfig(dir, {
        governance: GOVERNANCE,
        settlements: { treasuryAccount: TREASURY, shape: SHAPE },
      }),
      pino({ level: "silent" }),
      new L1BatchPoster({
        rollup: String(s.d.rollup.target),
        signer: s.sequencer,
        retryDelayMs: 50,
        batchCircuitId: s.d.file.batchCircuitId,
        rewardCircuitId: REWARD_CIRCUIT,
      }),
      new L1ProverRegistry(String(s.d.rollup.target), s.ethers.provider),
    );

  /** ol_submitSettlement of `data`, signed with account `signer`'s key. */
  const submit = (data: SettlementData, signer = data.proverAccount) => {
    const signed = signSettlement(data, ledgerKey(signer), DEV_DOMAIN);
    return rpc(node.url, "ol_submitSettlement", [
      hex(encodeSettlementData(data)),
      hex(encodeSignature(signed.signature)),
    ]);
  };
  const refusal = async (data: SettlementData, signer?: number) => {
    const reply = await submit(data, signer);
    expect(reply.result).toBeUndefined();
    return { code: reply.error?.data?.code, message: reply.error?.message };
  };
  /** A transfer of 1 from account 1 to account 2. */
  const transfer = () =>
    node.sequencer.submit(
      encodeTx(
        signTx(
          {
            type: TxType.Transfer,
            from: 1,
            nonce: node.sequencer.view.nonceOf(1)!,
            fee: 1n,
            to: 2,
            amount: 1n,
          },
          ledgerKey(1),
          DEV_DOMAIN,
          TEST_PARAMS,
        ),
      ),
    );
  const waitCommitted = async (n: bigint) => {
    for (let i = 0; i < 400; i++) {
      if ((await s.d.rollup.getFunction("head")()).lastCommitted >= n) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`entry ${n} was not committed`);
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts(), (c) => ({ ...c, governance: GOVERNANCE }));
    await enableSettlements(s, { circuitId: REWARD_CIRCUIT, treasuryAccount: TREASURY });
    dir = tempDir("settle");
    node = await start();
    for (const tx of rewardFixtureLedger().txs) {
      if (tx.type === TxType.Deposit) {
        // On L1 first, from the address the fixture names, so that the batch's queue range is L1's.
        const from = tx.l1Sender === TEST_PROVER ? s.prover : s.sequencer;
        await (await s.tokenAs(from).getFunction("approve")(s.d.rollup.target, tx.amount)).wait();
        await (
          await s.rollupAs(from).getFunction("deposit")(0, tx.publicKey.x, tx.publicKey.y, tx.amount)
        ).wait();
        await node.sequencer.executeQueueOp(tx);
      } else if (!isQueueOp(tx)) await node.sequencer.submit(encodeTx(tx));
    }
  }, 120_000);
  afterAll(async () => {
    await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("refuses a settlement of an open epoch, a bad signature, an unknown or unbonded prover, another model's record", async () => {
    // Epoch 0 ends at entry 1, which is still open.
    expect(await refusal(GOOD)).toMatchObject({
      code: "EPOCH_NOT_CLOSED",
      message: expect.stringMatching(/entry 1/),
    });
    await node.sequencer.seal();
    const root = (await node.sequencer.view.roots()).stateRoot;
    expect(await refusal(GOOD, 4)).toMatchObject({
      code: "INVALID_SIGNATURE",
      message: expect.stringMatching(/prover account 5/),
    });
    expect(await refusal({ ...GOOD, proverAccount: 99 }, 5)).toMatchObject({
      code: "UNKNOWN_ACCOUNT",
      message: expect.stringMatching(/99/),
    });
    expect(await refusal({ ...GOOD, epoch: 1 })).toMatchObject({ code: "EPOCH_NOT_CLOSED" });
    // Inference 2 is model 1's.
    expect(await refusal({ ...GOOD, inferences: [1, 2] })).toMatchObject({
      code: "INFERENCE_NOT_SETTLEABLE",
      message: expect.stringMatching(/inference 2 is not a record of model 2/),
    });
    // Account 3 was opened from the sequencer's L1 address: bonded, but not as a prover.
    expect(await refusal({ ...GOOD, proverAccount: 3 })).toMatchObject({
      code: "NOT_BONDED_PROVER",
      message: expect.stringMatching(/not a bonded prover/),
    });
    expect(node.sequencer.view.sealedBatches).toBe(1);
    expect((await node.sequencer.view.roots()).stateRoot).toBe(root);
  });

  it("applies an accepted settlement as its own entry after sealing the open batch, exactly as applySettlement", async () => {
    // The database as it stands now, with epoch 0 sealed: the last test crashes a copy of it.
    await node.stop();
    cpSync(dir, crashDir, { recursive: true });
    node = await start();
    const expected = (() => {
      const f = rewardFixture();
      return planSettlement(f.state, { ...GOOD, treasuryAccount: TREASURY }, f.end);
    })();
    const view = node.sequencer.view;
    const before = new Map([1, 2, 4, 5, 6].map((id) => [id, view.account(id)!.balance]));
    const escrow = view.model(2)!.escrow;
    transfers.push(await transfer());
    const reply = await submit(GOOD);
    expect(reply.error).toBeUndefined();
    const credits = expected.credits.map((c) => ({
      role: c.role,
      account: c.account,
      amount: c.amount.toString(),
    }));
    expect(reply.result).toEqual({ entry: 3, paid: expected.paid.toString(), credits });
    // The answer comes once the settlement is durable (its write-ahead entry); its entry is
    // served once sealed, after the entries before it are hashed.
    await node.sequencer.drain();
    // The transfer's batch was sealed first, alone.
    expect((await view.batch(2))?.kind).toBe("batch");
    for (const [id, balance] of before) {
      const credited = expected.credits.filter((c) => c.account === id).reduce((a, c) => a + c.amount, 0n);
      // The transfer moved 1 from account 1 to 2; its fee came back to 1, batch 2's fee recipient.
      const moved = id === 1 ? -1n : id === 2 ? 1n : 0n;
      expect(view.account(id)!.balance, `account ${id}`).toBe(balance + credited + moved);
    }
    expect(view.model(2)!.escrow).toBe(escrow - expected.paid);
    expect([1, 3, 4].map((i) => view.inference(i)!.payment)).toEqual([0n, 0n, 5n]);

    const entry = (await rpc(node.url, "ol_getBatch", [3])).result;
    expect(entry).toMatchObject({
      kind: "settlement",
      number: 3,
      epoch: 0,
      epochEnd: 1,
      model: 2,
      inferences: [1, 3],
      scores: [
        ["5", "0", "3"],
        ["0", "0", "0"],
      ],
      proverAccount: 5,
      treasuryAccount: TREASURY,
      scoresCommitment: fieldToHex(scoresCommitment(GOOD, SHAPE)),
      paid: expected.paid.toString(),
      credits,
    });
    expect(await refusal(GOOD)).toMatchObject({
      code: "INFERENCE_NOT_SETTLEABLE",
      message: expect.stringMatching(/inference 1 is already settled/),
    });
    // The next transaction opens the entry after the settlement.
    transfers.push(await transfer());
    expect(transfers[1]).toMatchObject({ batch: 4, position: 0 });
    await node.sequencer.seal();
    const kinds = ((await rpc(node.url, "ol_listBatches")).result as { kind: string }[]).map((e) => e.kind);
    expect(kinds).toEqual(["batch", "batch", "settlement", "batch"]);
  });

  it("serves the settlement with each inference's split, its epoch, and on each inference the entry that paid it", async () => {
    const f = rewardFixture();
    const expected = planSettlement(f.state, { ...GOOD, treasuryAccount: TREASURY }, f.end);
    const settlement = (await rpc(node.url, "ol_getSettlement", [3])).result as Record<string, unknown>;
    expect(settlement).toEqual((await rpc(node.url, "ol_getBatch", [3])).result);
    const [end, record] = [(await node.sequencer.view.batch(1))!, (await node.sequencer.view.batch(3))!];
    expect(settlement).toMatchObject({
      contributions: [1, 2, 3],
      epochEndRoot: fieldToHex(end.postStateRoot),
      publicInput: fieldToHex(
        settlementPublicInput({
          ...GOOD,
          preRoot: record.preStateRoot,
          postRoot: record.postStateRoot,
          epochEndRoot: end.postStateRoot,
          scoresCommitment: scoresCommitment(GOOD, SHAPE),
          treasuryAccount: TREASURY,
        }),
      ),
      governance: {
        dataBps: GOVERNANCE.dataBps,
        modelBps: GOVERNANCE.modelBps,
        baseModelBps: GOVERNANCE.baseModelBps,
        proverBps: GOVERNANCE.proverBps,
        protocolBps: GOVERNANCE.protocolBps,
        attributionMethod: 1,
        attributionMethodName: "knnShapley",
      },
      settled: expected.inferences.map(settledInferenceView),
    });
    // Inference 3 scored nothing: its whole pool is dust; model 2 is a fine-tune, so a base share.
    const [first, second] = expected.inferences;
    expect(second!.dust).toBe(second!.split.pool);
    expect(first!.split.base).toBeGreaterThan(0n);
    expect((settlement.credits as { role: string; contribution?: number }[]).slice(0, 3)).toEqual(
      [1, 2, 3].map((c) => expect.objectContaining({ role: "data", contribution: c })),
    );

    expect((await rpc(node.url, "ol_getEpoch", [0])).result).toEqual({
      epoch: 0,
      epochLength: 1,
      firstEntry: 1,
      lastEntry: 1,
      closed: true,
      lastInference: 4,
      settlements: [3],
      paid: expected.paid.toString(),
    });
    // Entries 1..4 are sealed, 5 is open: epoch 4 has begun, epoch 5 has not.
    expect((await rpc(node.url, "ol_getEpoch", [3])).result).toMatchObject({
      closed: true,
      lastInference: 4,
    });
    expect((await rpc(node.url, "ol_getEpoch", [4])).result).toMatchObject({
      closed: false,
      settlements: [],
    });
    expect((await rpc(node.url, "ol_getEpoch", [5])).result).toBeNull();
    expect((await rpc(node.url, "ol_listSettlements", [{ epoch: 0 }])).result).toEqual([settlement]);
    expect((await rpc(node.url, "ol_listSettlements", [{ epoch: 1 }])).result).toEqual([]);
    expect((await rpc(node.url, "ol_listSettlements", [{ offset: 1 }])).result).toEqual([]);
    const settledIn = (await rpc(node.url, "ol_listInferences")).result as {
      id: number;
      settlement: number | null;
    }[];
    expect(settledIn.map((i) => [i.id, i.settlement])).toEqual([
      [1, 3],
      [2, null],
      [3, 3],
      [4, null],
    ]);
  });

  it("commits the settlement on L1 in chain order, with the epoch end's roots and the treasury L1 names", async () => {
    await waitCommitted(4n);
    const { stateRoot } = await node.sequencer.view.roots();
    expect(BigInt(await s.d.rollup.getFunction("committedStateRoot")())).toBe(stateRoot);
    const [end, settlement] = [(await node.sequencer.view.batch(1))!, (await node.sequencer.view.batch(3))!];
    if (settlement.kind !== "settlement") throw new Error("entry 3 is a settlement");
    const committed = (await committedSettlement(s.d.rollup, 3, settlement.queueEnd))!;
    expect(committed.postStateRoot).toBe(settlement.postStateRoot);
    expect(committed.publicInput).toBe(
      settlementPublicInput({
        epoch: 0,
        model: 2,
        preRoot: settlement.preStateRoot,
        postRoot: settlement.postStateRoot,
        epochEndRoot: end.postStateRoot,
        scoresCommitment: settlement.scoresCommitment,
        proverAccount: 5,
        treasuryAccount: TREASURY,
      }),
    );
    for (let i = 0; i < 100 && (await node.sequencer.view.batch(3))?.l1TxHash === undefined; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await node.sequencer.view.batch(3))?.l1TxHash).toBe(committed.l1TxHash);
  });

  it("keeps the settlement entry and its effects across a restart", async () => {
    const entry = (await rpc(node.url, "ol_getBatch", [3])).result;
    const { stateRoot } = await node.sequencer.view.roots();
    const balances = [1, 2, 4, 5, 6].map((id) => node.sequencer.view.account(id)!.balance);
    await node.stop();
    node = await start();
    expect((await rpc(node.url, "ol_getBatch", [3])).result).toEqual(entry);
    expect((await node.sequencer.view.roots()).stateRoot).toBe(stateRoot);
    expect([1, 2, 4, 5, 6].map((id) => node.sequencer.view.account(id)!.balance)).toEqual(balances);
    expect((await node.sequencer.view.batch(1))?.endState.counters.inferences).toBe(4);
  });

  it("replays an acknowledged settlement from its write-ahead entry when the process died before its entry landed", async () => {
    // What a crash leaves when the write-ahead entries of the transfer, the settlement and the
    // transfer after it are on disk and none of their entries' seals is: written into the copy
    // of the database taken with epoch 0 sealed.
    const view = node.sequencer.view;
    const [end, record] = [(await view.batch(1))!, (await view.batch(3))!];
    if (record.kind !== "settlement") throw new Error("entry 3 is a settlement");
    const walOf = async (r: SubmitResult) => {
      const t = (await view.transaction(r.txHash))!;
      return { raw: t.raw, hash: t.hash };
    };
    const accepted: AcceptedSettlement = {
      settlement: record.settlement,
      scoresCommitment: record.scoresCommitment,
      epochEnd: { entry: 1, state: end.endState, roots: record.epochEnd.roots },
    };
    const db = new Level<string, Buffer>(crashDir, { keyEncoding: "utf8", valueEncoding: "buffer" });
    await db.batch([
      { type: "put", key: KEY.wal(2, 0), value: serialize(await walOf(transfers[0]!)) },
      { type: "put", key: KEY.wal(3, 0), value: serialize({ settlement: accepted } satisfies WalEntry) },
      { type: "put", key: KEY.wal(4, 0), value: serialize(await walOf(transfers[1]!)) },
    ]);
    await db.close();
    const { stateRoot } = await view.roots();
    const entry = (await rpc(node.url, "ol_getBatch", [3])).result as Record<string, unknown>;

    // No L1 needed: a replayed settlement was admitted before the crash.
    const crashed = await startNode(
      testNodeConfig(crashDir, { governance: GOVERNANCE }),
      pino({ level: "silent" }),
    );
    try {
      await crashed.sequencer.drain();
      expect((await crashed.sequencer.view.roots()).stateRoot).toBe(stateRoot);
      const replayed = (await rpc(crashed.url, "ol_getBatch", [3])).result;
      expect(replayed).toEqual({ ...entry, sealedAt: expect.any(String), l1TxHash: null });
      // The replayed entry rebuilt its indexes with it.
      expect((await rpc(crashed.url, "ol_getInference", [3])).result).toMatchObject({ settlement: 3 });
      expect((await rpc(crashed.url, "ol_getEpoch", [0])).result).toMatchObject({ settlements: [3] });
      expect(
        (await rpc(crashed.url, "ol_getTransactionReceipt", [transfers[1]!.txHash])).result,
      ).toMatchObject({
        batch: 4,
        position: 0,
      });
    } finally {
      await crashed.stop();
    }
  });
});
