/**
 * Epochs that resume, follow and replay (docs/protocol.md §11.6-11.7), on the deployment of
 * test/e2e/epoch-fixture.ts (EDR with the rollup, the sequencer posting to it, the store, the
 * inference node, a model trained on three contributions of iris rows):
 * - an attributor stopped after the first of an epoch's two settlements, restarted, settles
 *   the second and never submits the first again;
 * - the replay of the honest epoch, from L1's events and calldata and the store's data,
 *   finds every score and commitment matching (the CLI exits 0);
 * - a prover that lies about one score (the sequencer takes it: scores are the prover's
 *   claim) is named by the replay: that inference, that contribution (the CLI exits 1);
 * - `follow` settles two epochs as they close and stops on the abort signal;
 * - a sequencer that publishes on L1 other scores than it committed to is caught: the
 *   published scores do not hash to the commitment.
 */
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, failure } from "../../cli/commands/testing.ts";
import { commitSettlementArgs } from "../../contracts/client/settlements.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { scoresCommitment } from "../../protocol/rewards/commitment.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import { EpochAttributor, type EpochProgress } from "../../prover/epochs/attributor.ts";
import { l1Settlements } from "../../prover/epochs/l1-settlements.ts";
import { replayExitCode } from "../../prover/epochs/replay.ts";
import { replayTable } from "../../prover/epochs/replay-table.ts";
import { replayEpoch } from "../../prover/epochs/replayer.ts";
import { inferenceScores } from "../../prover/epochs/scores.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { InferenceClient } from "../../inference/client.ts";
import type { BatchInfo, SettlementInfo } from "../../sdk/wire.ts";
import { testKey } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { StoreKey } from "../../store/identity.ts";
import type { Dataset } from "../../prover/datasets/dataset.ts";
import {
  CONTRIBUTORS,
  contributeAndTrain,
  type EpochFixture,
  PROVER,
  startEpochFixture,
  storeKey,
  USER,
} from "./epoch-fixture.ts";
import { waitCommitted } from "./settling-chain.ts";
import { type L1Http, serveL1 } from "../../contracts/test/l1-http.ts";

// A well-known throwaway key (Hardhat's account #1): the CLI's replayer, granted reads in the store.
const ETH_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const LIAR = CONTRIBUTORS[0]!; // owns contribution 1, and is a prover: its L1 address is bonded

let f: EpochFixture;
let held: Dataset;
let proverStore: StoreClient;
let l1: L1Http;
let nextInput = 0;

beforeAll(async () => {
  const replayer = new StoreKey((await deriveL2Key(new Wallet(ETH_KEY), DEV_DOMAIN)).privateKey).identity;
  f = await startEpochFixture("e2e-replay", { readers: [replayer] });
  held = await contributeAndTrain(f, { readers: [replayer] });
  proverStore = new StoreClient(f.store.url, storeKey(PROVER));
  l1 = await serveL1((method, params) => f.s.ethers.provider.send(method, params));
}, 1_800_000);

afterAll(async () => {
  l1?.server.close();
  proverStore?.close();
  await f?.stop();
});

/** `n` paid inferences on the next held-out rows, sealed as one entry. */
async function sealInferences(n: number): Promise<void> {
  const user = new InferenceClient(f.serve.url, f.wallet(USER));
  for (let k = 0; k < n; k++, nextInput++) {
    await user.infer(1, Array.from(held.x.subarray(nextInput * 4, nextInput * 4 + 4)));
  }
  await f.seq.sequencer.seal();
}

const attributor = () =>
  new EpochAttributor({
    provider: f.provider,
    sources: storeSources({ provider: f.provider, params: TEST_PARAMS }, proverStore),
    key: testKey(PROVER),
    proverAccount: PROVER,
    domain: DEV_DOMAIN,
    shape: f.reward.shape,
  });

const replay = (epoch: number) =>
  replayEpoch(epoch, {
    provider: f.provider,
    sources: storeSources({ provider: f.provider, params: TEST_PARAMS }, proverStore),
    published: (e) => l1Settlements(f.s.d.rollup, e),
    shape: f.reward.shape,
  });

const cli = (args: string[]) =>
  runCli(ETH_KEY, [
    ...["prover", "replay", "--rpc", `${f.seq.url}/rpc`, "--l1", l1.url],
    // No --params: the tree sizes come from the sequencer (ol_getParams).
    ...["--store", f.store.url, ...args],
  ]);

const entry = async <T extends BatchInfo | SettlementInfo>(n: number) => (await f.provider.getBatch(n)) as T;

async function settlementOf(epoch: number, after: number): Promise<SettlementInfo> {
  for (let i = 0; i < 600; i++) {
    for (let n = after + 1; n <= (await f.provider.getBatchNumber()); n++) {
      const e = await f.provider.getBatch(n);
      if (e?.kind === "settlement" && e.epoch === epoch) return e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no settlement of epoch ${epoch} after entry ${after}`);
}

describe("reward epochs that resume, follow and replay", () => {
  it("resumes an epoch stopped after its first settlement without submitting it again", async () => {
    await sealInferences(3); // entry 3: inferences 1-3; epoch 0 closes
    const stop = new AbortController();
    const seen: EpochProgress[] = [];
    const first = await attributor().settle(0, {
      signal: stop.signal,
      progress: (p) => {
        seen.push(p);
        if (p.kind === "settled") stop.abort();
      },
    });
    expect(first.complete).toBe(false);
    expect(first.plan.jobs.map((j) => j.inferences)).toEqual([[1, 2], [3]]);
    expect(seen).toEqual([
      { kind: "planned", epoch: 0, jobs: 2, total: 3 },
      { kind: "attributed", epoch: 0, inference: 1, done: 1, total: 3 },
      { kind: "attributed", epoch: 0, inference: 2, done: 2, total: 3 },
      { kind: "settled", epoch: 0, job: 1, jobs: 2, entry: 4, inferences: [1, 2] },
    ]);

    // A new attributor, as after a restart: the chain says what is left.
    const seenAgain: EpochProgress[] = [];
    const second = await attributor().settle(0, { progress: (p) => seenAgain.push(p) });
    expect(second.complete).toBe(true);
    expect(second.plan.jobs).toEqual([{ epoch: 0, model: 1, inferences: [3] }]);
    expect(seenAgain[0]).toEqual({ kind: "planned", epoch: 0, jobs: 1, total: 1 });
    expect(second.settled.map((j) => j.result.entry)).toEqual([5]);
    // One settlement per job on the chain: the first was not submitted again.
    await waitCommitted(f.s.d.rollup, 5n);
    expect(await f.provider.getBatchNumber()).toBe(5);
    expect((await entry<SettlementInfo>(4)).inferences).toEqual([1, 2]);
    expect((await entry<SettlementInfo>(5)).inferences).toEqual([3]);
  }, 300_000);

  it("replays the honest epoch from L1 and finds every score and commitment matching", async () => {
    await waitCommitted(f.s.d.rollup, 5n);
    const report = await replay(0);
    expect(report).toMatchObject({ epoch: 0, method: "knnShapley", source: "l1" });
    expect(report.settlements.map((s) => [s.entry, s.commitment.matches])).toEqual([
      [4, true],
      [5, true],
    ]);
    expect(report.settlements.flatMap((s) => s.inferences)).toEqual(
      [1, 2, 3].map((inference) => ({ inference, status: "match" })),
    );
    expect(replayExitCode(report)).toBe(0);

    const json = JSON.parse((await cli(["--epoch", "0", "--json"])).stdout);
    expect(json.settlements.flatMap((s: { inferences: unknown[] }) => s.inferences)).toHaveLength(3);
    // No sequencer to read records from: the replay cannot run (the last --rpc wins).
    const broken = await failure(cli(["--epoch", "0", "--rpc", "http://127.0.0.1:1/rpc"]));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error -32603: cannot reach the sequencer/m);
    expect((await runCli(ETH_KEY, ["prover", "replay", "--help"])).stdout).toMatch(/--epoch <n>.*--json/s);
  }, 300_000);

  it("names the inference and the contribution whose score a lying prover changed", async () => {
    await sealInferences(2); // entry 6: inferences 4, 5; epoch 1 (entries 4-6) closes
    const sources = storeSources({ provider: f.provider, params: TEST_PARAMS }, proverStore);
    const model = await sources.model(1);
    const honest: bigint[][] = [];
    for (const id of [4, 5]) {
      const x = await sources.input((await f.provider.getInference(id))!);
      honest.push(inferenceScores("knnShapley", model, x));
    }
    // Inference 5's score of contribution 1 (the liar's own) raised: the sequencer takes it.
    const lie = honest.map((row) => [...row]);
    lie[1]![0]! += 1_000_000n;
    const data: SettlementData = { epoch: 1, model: 1, inferences: [4, 5], scores: lie, proverAccount: LIAR };
    expect(await f.provider.submitSettlement(signSettlement(data, testKey(LIAR), DEV_DOMAIN))).toMatchObject({
      entry: 7,
    });
    await waitCommitted(f.s.d.rollup, 7n);

    const report = await replay(1);
    expect(report.settlements).toHaveLength(1);
    // The lie is in the scores, not in their hash: the sequencer committed what it was given.
    expect(report.settlements[0]).toMatchObject({
      entry: 7,
      proverAccount: LIAR,
      commitment: { matches: true },
    });
    expect(report.settlements[0]!.inferences).toEqual([
      { inference: 4, status: "match" },
      {
        inference: 5,
        status: "mismatch",
        differences: [{ contribution: 1, expected: honest[1]![0], published: lie[1]![0] }],
      },
    ]);
    expect(replayExitCode(report)).toBe(1);

    const run = await failure(cli(["--epoch", "1"]));
    expect(run.code).toBe(1);
    const { stdout } = run as unknown as { stdout: string };
    expect(stdout).toMatch(
      new RegExp(
        `^7\\s+5\\s+1\\s+MISMATCH contribution 1: expected ${honest[1]![0]}, published ${lie[1]![0]}$`,
        "m",
      ),
    );
    expect(stdout).toMatch(/^7\s+4\s+1\s+match$/m);
  }, 300_000);

  it("follows two epochs as they close, and stops on the abort signal", async () => {
    const stop = new AbortController();
    const following = attributor().follow(stop.signal, 2, 50);
    await sealInferences(1); // entry 8
    await sealInferences(1); // entry 9: epoch 2 (entries 7-9) closes
    const second = await settlementOf(2, 9);
    expect(second).toMatchObject({ number: 10, inferences: [6, 7], proverAccount: PROVER });
    await sealInferences(1); // entry 11
    await sealInferences(1); // entry 12: epoch 3 closes
    const third = await settlementOf(3, 12);
    expect(third).toMatchObject({ number: 13, inferences: [8, 9] });
    stop.abort();
    await following;
    // Stopped: epoch 4 closes and stays unsettled.
    await sealInferences(1); // entry 14
    await sealInferences(1); // entry 15
    await new Promise((r) => setTimeout(r, 500));
    expect(await f.provider.getBatchNumber()).toBe(15);
    expect((await f.provider.getInference(10))!.payment).not.toBe("0");
  }, 300_000);

  it("reports published scores that do not hash to the commitment L1 holds", async () => {
    await waitCommitted(f.s.d.rollup, 15n);
    // A sequencer that publishes other data than it committed to: entry 7's commitment, one
    // score changed in the data. Committed here with the bonded sequencer's own key.
    const lied = await entry<SettlementInfo>(7);
    const end = await entry<BatchInfo>(6);
    const tip = await entry<BatchInfo>(15);
    const scores = lied.scores.map((row) => row.map(BigInt));
    scores[0]![1]! += 5n;
    const data: SettlementData = { ...lied, scores };
    const args = commitSettlementArgs(
      {
        batchIndex: 16n,
        preStateRoot: BigInt(tip.postStateRoot),
        postStateRoot: BigInt(tip.postStateRoot),
        scoresCommitment: BigInt(lied.scoresCommitment),
        settlement: data,
      },
      f.reward.circuitId,
      {
        postStateRoot: BigInt(end.postStateRoot),
        withdrawalsRoot: BigInt(end.withdrawalsRoot),
        queueEnd: BigInt(end.queueEnd),
      },
    );
    await (await f.s.rollupAs(f.s.sequencer).getFunction("commitSettlement")(...args)).wait();

    const report = await replay(1);
    expect(report.settlements.map((s) => s.entry)).toEqual([7, 16]);
    const forged = report.settlements[1]!;
    expect(forged.commitment).toEqual({
      published: BigInt(lied.scoresCommitment),
      recomputed: scoresCommitment(data, f.reward.shape),
      differing: [],
      matches: false,
    });
    expect(forged.inferences[0]).toMatchObject({
      inference: 4,
      status: "mismatch",
      differences: [{ contribution: 2, published: scores[0]![1] }],
    });
    expect(replayExitCode(report)).toBe(1);
    expect(replayTable(report)).toMatch(
      /^entry 16: MISMATCH: published scores hash to 0x[0-9a-f]{64}, L1 committed/m,
    );
  }, 300_000);
});
