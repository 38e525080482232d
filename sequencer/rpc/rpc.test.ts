import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { rootFromProof } from "../../protocol/smt.ts";
import { poseidon } from "../../protocol/poseidon.ts";
import { TxType } from "../../protocol/tx/types.ts";
import { startNode, type SequencerNode } from "../node.ts";
import { EVERY_L2_TYPE } from "../../protocol/testing.ts";
import { rpcCodeOf } from "./errors.ts";
import { depositParam, post, rpc, signedHex, tempDir, testNodeConfig } from "../testing.ts";

const logger = pino({ level: "silent" });
let node: SequencerNode;
let url: string;

beforeAll(async () => {
  node = await startNode(
    testNodeConfig(tempDir("rpc"), {
      bodyLimitBytes: 8192,
      ratePerSecond: 100_000,
      verifyWorkers: 1,
      minFee: 5n,
    }),
    logger,
  );
  url = node.url;
  for (let i = 0; i < 3; i++) await rpc(url, "ol_submitDeposit", [depositParam(i, i, 10n ** 6n)]);
});

afterAll(async () => {
  await node.stop();
});

const send = (hex: string) => rpc(url, "ol_sendTransaction", [hex]);
const expectError = (body: Awaited<ReturnType<typeof rpc>>, code: string) => {
  expect(body.error?.data?.code).toBe(code);
  expect(body.error?.code).toBe(rpcCodeOf(code as ErrorCode));
};

describe("sequencer JSON-RPC", () => {
  it("executes every transaction type with a soft confirmation and serves the results", async () => {
    const txs = EVERY_L2_TYPE.map((tx) => signedHex(tx, tx.from - 1));
    const results = [];
    for (const tx of txs) {
      const r = await send(tx);
      expect(r.error).toBeUndefined();
      results.push(r.result as { txHash: string; status: string; batch: number; position: number });
    }
    expect(results.map((r) => [r.status, r.batch, r.position])).toEqual(
      txs.map((_, i) => ["executed", 1, 3 + i]),
    );
    const receipt = (await rpc(url, "ol_getTransactionReceipt", [results[6]!.txHash])).result as {
      created: unknown;
      status: string;
    };
    expect(receipt).toMatchObject({ status: "executed", created: { registry: "model", id: 1 } });
    expect((await rpc(url, "ol_getTransactionReceipt", [results[5]!.txHash])).result).toMatchObject({
      type: "curate",
      curated: { owner: 2, refund: "0" },
    });

    const sealed = await node.sequencer.seal();
    expect(sealed?.number).toBe(1);
    expect((await rpc(url, "ol_getBatchNumber")).result).toBe(1);
    const batch = (await rpc(url, "ol_getBatch", [1])).result as {
      txHashes: string[];
      withdrawals: unknown[];
      postStateRoot: string;
      endCounters: Record<string, number>;
    };
    expect(batch.txHashes).toHaveLength(12);
    // What an epoch's settlement may take is fixed by its last entry's inference counter.
    expect(batch.endCounters).toMatchObject({ contributions: 1, models: 1, inferences: 1, datanets: 1 });
    expect(batch.withdrawals).toEqual([
      { recipient: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", amount: "300" },
    ]);
    expect((await rpc(url, "ol_getTransactionReceipt", [results[0]!.txHash])).result).toMatchObject({
      status: "sealed",
      batch: 1,
      position: 3,
    });
    expect((await rpc(url, "ol_getTransaction", [results[8]!.txHash])).result).toMatchObject({
      type: "withdraw",
      tx: { amount: "300" },
    });
    expect((await rpc(url, "ol_getModel", [1])).result).toMatchObject({
      owner: 1,
      escrow: "60",
      contributions: [1],
    });
    expect((await rpc(url, "ol_getContribution", [1])).result).toMatchObject({
      owner: 2,
      stake: "200",
      status: "accepted",
    });
    expect((await rpc(url, "ol_getDatanet", [1])).result).toMatchObject({
      owner: 1,
      licenses: ["CC0-1.0", "CC-BY-4.0"],
      curationMode: "curated",
      curators: [3],
      minStake: "150",
    });
    expect((await rpc(url, "ol_listDatanets")).result).toHaveLength(1);
    expect((await rpc(url, "ol_getInference", [1])).result).toMatchObject({
      user: 2,
      model: 1,
      payment: "60",
    });
    expect((await rpc(url, "ol_getNonce", [1])).result).toBe(5);
    // The deployment and tree sizes a client signs and proves with, so no one has to name them.
    expect((await rpc(url, "ol_getParams")).result).toEqual({
      chainId: "0x7a69",
      rollup: node.sequencer.config.domain.rollup,
      params: TEST_PARAMS,
      genesisGovernance: (await rpc(url, "ol_getGovernance")).result,
    });
    const governance = (await rpc(url, "ol_getGovernance")).result as Record<string, unknown>;
    expect(governance).toMatchObject({ epochLength: expect.any(Number), attributionMethod: 1 });
    expect(typeof governance.minContributionStake).toBe("string");
    expect(((await rpc(url, "ol_listAccounts", [{ limit: 2 }])).result as unknown[]).length).toBe(2);
    expect((await rpc(url, "ol_listModels")).result).toHaveLength(1);
    expect((await rpc(url, "ol_listContributions")).result).toHaveLength(1);
    expect((await rpc(url, "ol_listInferences")).result).toHaveLength(1);
    expect((await rpc(url, "ol_listBatches")).result).toMatchObject([{ number: 1 }]);
    expect((await rpc(url, "ol_listTransactions", [{ account: 2 }])).result).toHaveLength(4);
    expect((await rpc(url, "ol_getTransaction", [`0x${"00".repeat(32)}`])).result).toBeNull();

    // The account proof opens against the state root: accounts tree, then Poseidon(accountsRoot, registriesHash).
    const acct = (await rpc(url, "ol_getAccount", [3])).result as {
      balance: string;
      proof: {
        stateRoot: string;
        accountsRoot: string;
        registriesHash: string;
        leaf: string;
        siblings: string[][];
      };
    };
    // Account 3 paid the fee of its curate.
    expect(acct.balance).toBe(String(10n ** 6n - 10n));
    // Account 1 is the fee recipient: the batch's 90 in fees come back to it at sealing.
    expect((await rpc(url, "ol_getAccount", [1])).result).toMatchObject({
      balance: String(10n ** 6n - 4500n - 50n + 90n),
    });
    const sib = acct.proof.siblings.map((l) => l.map(BigInt));
    expect(rootFromProof(TEST_PARAMS.accounts, 3n, BigInt(acct.proof.leaf), sib)).toBe(
      BigInt(acct.proof.accountsRoot),
    );
    expect(poseidon([BigInt(acct.proof.accountsRoot), BigInt(acct.proof.registriesHash)])).toBe(
      BigInt(acct.proof.stateRoot),
    );
    expect(BigInt(acct.proof.stateRoot)).toBe(BigInt(batch.postStateRoot));
  });

  it("serves reward epochs before any settlement, and refuses bad epoch and settlement params", async () => {
    // Epochs of 10 entries (genesis governance); batch 1 is sealed, batch 2 open.
    expect((await rpc(url, "ol_getEpoch", [0])).result).toEqual({
      epoch: 0,
      epochLength: 10,
      firstEntry: 1,
      lastEntry: 10,
      closed: false,
      lastInference: null,
      settlements: [],
      paid: "0",
    });
    expect((await rpc(url, "ol_getEpoch", [1])).result).toBeNull();
    // Entry 1 is a batch, not a settlement; inference 1 is not paid out yet.
    expect((await rpc(url, "ol_getSettlement", [1])).result).toBeNull();
    expect((await rpc(url, "ol_listSettlements")).result).toEqual([]);
    expect((await rpc(url, "ol_listSettlements", [{ epoch: 0 }])).result).toEqual([]);
    expect((await rpc(url, "ol_getInference", [1])).result).toMatchObject({ id: 1, settlement: null });
    expect((await rpc(url, "ol_listInferences")).result).toMatchObject([{ id: 1, settlement: null }]);
    for (const [method, params, why] of [
      ["ol_getEpoch", [-1], /params\/0 must be >= 0/],
      ["ol_getEpoch", [], /must NOT have fewer than 1 items/],
      ["ol_getSettlement", [0], /params\/0 must be >= 1/],
      ["ol_listSettlements", [{ epoch: "0" }], /epoch must be integer/],
      ["ol_listSettlements", [{ limit: 101 }], /limit must be <= 100/],
      ["ol_listSettlements", [{ model: 1 }], /must NOT have additional properties/],
    ] as const) {
      expect(
        (await rpc(url, method, [...params])).error,
        `${method} ${JSON.stringify(params)}`,
      ).toMatchObject({
        code: -32602,
        message: expect.stringMatching(why),
      });
    }
  });

  it("refuses each invalid transaction with the JSON-RPC error of its protocol code", async () => {
    const transfer = (
      p: { from?: number; nonce?: number; fee?: bigint; to?: number; amount?: bigint },
      key = 2,
    ) => signedHex({ type: TxType.Transfer, from: 3, nonce: 1, fee: 10n, to: 1, amount: 5n, ...p }, key);
    expectError(await send(transfer({}, 0)), ErrorCode.InvalidSignature);
    expectError(await send(transfer({ amount: 10n ** 9n })), ErrorCode.InsufficientBalance);
    expectError(await send(transfer({ fee: 1n })), ErrorCode.FeeTooLow);
    expectError(await send(transfer({ to: 40 })), ErrorCode.UnknownAccount);
    expectError(await send(transfer({ from: 50 })), ErrorCode.UnknownAccount);
    const inference = (model: number, payment: bigint, nonce = 1) =>
      signedHex(
        {
          type: TxType.Inference,
          from: 3,
          nonce,
          fee: 10n,
          model,
          inputHash: 1n,
          outputHash: 2n,
          featureCommitment: 3n,
          payment,
        },
        2,
      );
    expectError(await send(inference(9, 100n)), ErrorCode.UnknownModel);
    expectError(await send(inference(1, 10n)), ErrorCode.FeeTooLow);
    const model = signedHex(
      {
        type: TxType.RegisterModel,
        from: 3,
        nonce: 1,
        fee: 10n,
        modelHash: 1n,
        trainingConfigHash: 1n,
        contributions: [9],
        checkpointCommitment: 1n,
        inferenceFee: 1n,
        baseModel: 0,
      },
      2,
    );
    expectError(await send(model), ErrorCode.UnknownContribution);
    // Datanet 1 (curated by account 3, CC0 and CC-BY) holds contribution 1 (contentRoot 77), accepted.
    const contribute = (p: { datanet?: number; contentRoot?: bigint; license?: number }) =>
      signedHex(
        {
          type: TxType.RegisterContribution,
          from: 3,
          nonce: 1,
          fee: 10n,
          datanet: 1,
          contentRoot: 78n,
          rowCount: 1,
          license: 1,
          uriCommitment: 1n,
          stake: 200n,
          ...p,
        },
        2,
      );
    expectError(await send(contribute({ contentRoot: 77n })), ErrorCode.DuplicateContent);
    expectError(await send(contribute({ license: 4 })), ErrorCode.LicenseNotAllowed);
    expectError(await send(contribute({ datanet: 9 })), ErrorCode.UnknownDatanet);
    const curate = (from: number, nonce: number) =>
      signedHex({ type: TxType.Curate, from, nonce, fee: 10n, contribution: 1, accept: false }, from - 1);
    expectError(await send(curate(3, 1)), ErrorCode.NotPending);
    expectError(await send(curate(1, 5)), ErrorCode.NotCurator);
    const ok = await send(transfer({}));
    expect(ok.result).toMatchObject({ status: "executed" });
    expectError(await send(transfer({ amount: 6n })), ErrorCode.BadNonce);
    // Resending the very same transaction is answered with its first confirmation, not executed twice.
    expect((await send(transfer({}))).result).toEqual(ok.result);
    const bad = await send("0x0101");
    expect(bad.error?.code).toBe(-32602);
    expect(bad.error?.message).toMatch(/too short/);
  });

  it("queues a transaction after a nonce gap, replaces it only for a higher fee, and runs it when the gap fills", async () => {
    const t = (nonce: number, fee: bigint, amount = 1n) =>
      signedHex({ type: TxType.Transfer, from: 3, nonce, fee, to: 1, amount }, 2);
    const next = (await rpc(url, "ol_getNonce", [3])).result as number;
    const queued = await send(t(next + 1, 10n));
    expect(queued.result).toMatchObject({ status: "queued" });
    expectError(await send(t(next + 1, 10n, 2n)), ErrorCode.ReplacementUnderpriced);
    const replacement = await send(t(next + 1, 20n));
    expect(replacement.result).toMatchObject({ status: "queued" });
    // The gap is still open: the next nonce to send is the missing one.
    expect((await rpc(url, "ol_getNonce", [3])).result).toBe(next);
    expect((await rpc(url, "ol_listQueued")).result).toEqual([
      { hash: (replacement.result as { txHash: string }).txHash, from: 3, nonce: next + 1, fee: "20" },
    ]);
    expect(await send(t(next, 10n))).toMatchObject({ result: { status: "executed" } });
    const receipt = await rpc(url, "ol_getTransactionReceipt", [
      (replacement.result as { txHash: string }).txHash,
    ]);
    expect(receipt.result).toMatchObject({ status: "executed", fee: "20" });
    expect(
      (await rpc(url, "ol_getTransaction", [(queued.result as { txHash: string }).txHash])).result,
    ).toBeNull();
    expectError(await send(t(next + 200, 10n)), ErrorCode.BadNonce);
  });

  it("answers malformed, oversized and unknown requests with JSON-RPC errors", async () => {
    const parse = await post(url, "{not json", true);
    expect([parse.status, parse.body.error?.code]).toEqual([400, -32700]);
    const big = await post(url, {
      jsonrpc: "2.0",
      id: 1,
      method: "ol_sendTransaction",
      params: [`0x${"ab".repeat(8192)}`],
    });
    expect([big.status, big.body.error?.code]).toEqual([413, -32600]);
    expect(big.body.error?.message).toMatch(/exceeds 8192 bytes/);
    expect((await post(url, { id: 1, method: "ol_chainId" })).body.error?.code).toBe(-32600);
    expect((await rpc(url, "ol_nothing")).error).toMatchObject({
      code: -32601,
      message: "unknown method ol_nothing",
    });
    expect((await rpc(url, "ol_getAccount", ["1"])).error?.message).toMatch(/params\/0 must be integer/);
    expect((await rpc(url, "ol_getAccount", [])).error?.code).toBe(-32602);
    expect((await rpc(url, "ol_getTransaction", ["0x12"])).error?.message).toMatch(/must match pattern/);
    const batch = await post(url, [
      { jsonrpc: "2.0", id: "a", method: "ol_chainId" },
      { jsonrpc: "2.0", method: "ol_chainId" },
      { jsonrpc: "2.0", id: "b", method: "ol_nothing" },
    ]);
    expect(batch.body).toEqual([
      { jsonrpc: "2.0", id: "a", result: "0x7a69" },
      { jsonrpc: "2.0", id: "b", error: { code: -32601, message: "unknown method ol_nothing" } },
    ]);
    expect((await post(url, [])).body.error?.code).toBe(-32600);
    expect((await post(url, { jsonrpc: "2.0", method: "ol_chainId" })).status).toBe(204);
  });

  it("serves health and Prometheus metrics", async () => {
    const health = await (await fetch(`${url}/health`)).json();
    expect(health).toMatchObject({ status: "ok", sealedBatches: 1 });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/openledger_rpc_calls_total\{method="ol_sendTransaction",outcome="ok"\}/);
    expect(metrics).toMatch(
      /openledger_rpc_calls_total\{method="ol_sendTransaction",outcome="INVALID_SIGNATURE"\} 1/,
    );
    expect(metrics).toMatch(/openledger_batches_sealed 1/);
  });

  it("limits each client's call rate", async () => {
    const limited = await startNode(testNodeConfig(tempDir("rate"), { ratePerSecond: 3 }), logger);
    try {
      const replies = [];
      for (let i = 0; i < 12; i++)
        replies.push(await post(limited.url, { jsonrpc: "2.0", id: i, method: "ol_chainId" }));
      expect(replies.slice(0, 6).every((r) => r.status === 200)).toBe(true);
      const refused = replies.find((r) => r.status === 429);
      expect(refused?.body.error).toMatchObject({
        code: -32029,
        message: expect.stringMatching(/at most 3 calls per second/),
      });
    } finally {
      await limited.stop();
    }
  });
});
