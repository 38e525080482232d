/**
 * A reward epoch end to end (docs/protocol.md §11), every part real: an EDR chain with the
 * rollup and the real Reward2x4 verifier, a sequencer posting to it, the store, the
 * inference node. Owners contribute iris rows through `contribute` (one with every label
 * wrong, one whose rows are also registered split between two identities, one copying
 * another's rows); three models are trained from the store and registered (a model, its twin
 * on the split rows, a fine-tune); a user pays for inferences through the inference node.
 * When the epoch closes, the prover's attributor fetches the models, rows and inputs from the
 * store (each checked against the chain), values the inferences with the governance's method
 * (KNN-Shapley) and submits the settlements; the sequencer pays them out on L2 and commits
 * them; a prover node proves them on L1 with the reward circuit (batches with the stub
 * circuit); a contributor withdraws the reward and claims it on L1.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimWithdrawals } from "../../bridge/claims.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { proveStub, STUB_BATCH_VERIFIER } from "../../contracts/test/fixture.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { OPEN_DATANET, rejectionCode } from "../../protocol/testing.ts";
import type { Dataset } from "../../prover/datasets/dataset.ts";
import { EpochAttributor } from "../../prover/epochs/attributor.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { trainAndRegister } from "../../prover/training/store-training.ts";
import { InferenceClient } from "../../inference/client.ts";
import { batchAt, testKey } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import {
  contributeRows,
  type EpochFixture,
  GOVERNANCE,
  irisSplit,
  openAccounts,
  startEpochFixture,
  storeKey,
} from "./epoch-fixture.ts";
import { writeIrisRows } from "../iris-rows.ts";
import { waitCommitted } from "./settling-chain.ts";

// Epoch 0 is entries 1-3 (GOVERNANCE): setup, the models, the inferences; the settlements are entries 4-6.
/** Keys by role; each key's L2 account is opened by a deposit in this order (account id = key). */
const TREASURY = 1;
const PROVER = 2;
/** A's rows are also registered split in two, by A1 and A2: the same rows under two identities. */
const A = 3;
const A1 = 4;
const A2 = 5;
const B = 6;
const NOISY = 7; // every label of its rows is wrong
const E = 8; // the fine-tune's data
const COPIER = 9; // half of E's rows, registered again after E
const OWNER = 10; // models 1 and 2
const TUNER = 11; // model 3, a fine-tune of model 1
const USER = 12;
const OPERATOR = 13; // signs attestations and store requests; no L2 account
const ACCOUNTS = [TREASURY, PROVER, A, A1, A2, B, NOISY, E, COPIER, OWNER, TUNER, USER];
const FEE = 1_000_000n;
/** Batches are proven with the stub circuit here (test/e2e/prover.test.ts proves the real one). */
const LAYOUT = { slots: 32, withdrawals: 2, registrySlots: 8 };

let f: EpochFixture;
const backend = new SnarkjsBackend();

beforeAll(async () => {
  // Account 1 is the treasury; the prover (key 2) reads the inference inputs.
  f = await startEpochFixture("e2e-epoch", {
    readers: [storeKey(PROVER).identity],
    layout: LAYOUT,
    operator: OPERATOR,
  });
}, 1_800_000);

afterAll(async () => {
  await f?.stop();
  await backend.close();
  await terminateSnarkjsCurve();
});

const balance = async (account: number) => BigInt((await f.provider.getAccount(account))!.balance);

/**
 * What §11.2 says each account is owed for one settlement, computed here from the published
 * scores and the governance, independently of protocol/rewards.
 */
function expectedCredits(
  g: { modelBps: number; baseModelBps: number; proverBps: number; protocolBps: number },
  payments: readonly bigint[],
  scores: readonly (readonly bigint[])[],
  owners: { data: readonly number[]; model: number; base: number | null; prover: number; treasury: number },
): Map<number, bigint> {
  const owed = new Map<number, bigint>();
  const add = (account: number, amount: bigint) => owed.set(account, (owed.get(account) ?? 0n) + amount);
  payments.forEach((p, i) => {
    const prover = (p * BigInt(g.proverBps)) / 10_000n;
    const protocol = (p * BigInt(g.protocolBps)) / 10_000n;
    const modelAll = (p * BigInt(g.modelBps)) / 10_000n;
    const base = owners.base === null ? 0n : (modelAll * BigInt(g.baseModelBps)) / 10_000n;
    const pool = p - prover - protocol - modelAll;
    const total = scores[i]!.reduce((a, b) => a + b, 0n);
    let credited = 0n;
    scores[i]!.forEach((score, j) => {
      const credit = total === 0n ? 0n : (pool * score) / total;
      credited += credit;
      add(owners.data[j]!, credit);
    });
    add(owners.model, modelAll - base);
    if (owners.base !== null) add(owners.base, base);
    add(owners.prover, prover);
    add(owners.treasury, protocol + pool - credited);
  });
  return owed;
}

describe("a reward epoch, from contributed rows to rewards withdrawn on L1", () => {
  it(
    "attributes the epoch's inferences on a model, its split twin and a fine-tune, pays every account its exact share, proves it on L1, and a contributor claims the reward",
    { timeout: 1_200_000 },
    async () => {
      // Entry 1: accounts, a Datanet, and seven contributions of iris rows, granted to the
      // model trainers and the prover.
      const { s, seq, store, serve, reward, provider, wallet } = f;
      await openAccounts(f, ACCOUNTS, 10n ** 15n);
      await wallet(OWNER).createDatanet(OPEN_DATANET);
      const [train, held] = irisSplit();
      const dir = mkdtempSync(join(tmpdir(), "openledger-epoch-rows-"));
      const wrong = (y: number) => (y + 1) % 3;
      const contributions: [
        key: number,
        rows: Dataset,
        first: number,
        count: number,
        label?: typeof wrong,
      ][] = [
        [A, train, 0, 40],
        [A1, train, 0, 20],
        [A2, train, 20, 20],
        [B, train, 40, 40],
        [NOISY, train, 80, 40, wrong],
        [E, held, 0, 20],
        [COPIER, held, 0, 10],
      ];
      for (const [c, [key, rows, first, count, label]] of contributions.entries()) {
        const file = join(dir, `rows-${key}.jsonl`);
        writeIrisRows(file, rows, first, count, label);
        const id = await contributeRows(
          f,
          key,
          file,
          [OWNER, TUNER, PROVER].map((k) => storeKey(k).identity),
        );
        expect(id).toBe(c + 1);
      }
      const OWNER_OF = [A, A1, A2, B, NOISY, E, COPIER]; // contribution id - 1 -> key
      await seq.sequencer.seal();

      // Entry 2: model 1 on A, B and the noisy rows; model 2 on the same rows with A's split
      // in two; model 3 fine-tunes model 1 on E's rows and the copier's.
      const readers = [
        { identity: storeKey(OPERATOR).identity, role: "reader" as const },
        { identity: storeKey(PROVER).identity, role: "prover" as const },
      ];
      const config = {
        hidden: [8],
        epochs: 20,
        batchSize: 16,
        seed: "e2e/epoch",
        classes: 3,
        inferenceFee: FEE,
        readers,
      };
      const owner = wallet(OWNER);
      await owner.stake(2_000n);
      const ownerStore = new StoreClient(store.url, storeKey(OWNER));
      // The tuner reads model 1 to fine-tune it.
      const m1 = await trainAndRegister(owner, ownerStore, {
        ...config,
        contributions: [1, 4, 5],
        readers: [...readers, { identity: storeKey(TUNER).identity, role: "reader" }],
      });
      const m2 = await trainAndRegister(owner, ownerStore, { ...config, contributions: [2, 3, 4, 5] });
      ownerStore.close();
      expect([m1.model, m2.model]).toEqual([1, 2]);
      // The same rows in the same order train the same model: the two differ in their training sets only.
      expect(m2.artifact.modelHash).toBe(m1.artifact.modelHash);
      const tuner = wallet(TUNER);
      await tuner.stake(1_000n);
      const tunerStore = new StoreClient(store.url, storeKey(TUNER));
      const m3 = await trainAndRegister(tuner, tunerStore, {
        ...config,
        base: 1,
        contributions: [6, 7],
        epochs: 5,
      });
      tunerStore.close();
      expect(m3.model).toBe(3);
      expect((await provider.getModel(3))!.baseModel).toBe(1);
      await seq.sequencer.seal();

      // Entry 3: two paid inferences on each model through the inference node; it ends epoch 0.
      const user = new InferenceClient(serve.url, wallet(USER));
      const input = (i: number) => Array.from(held.x.subarray(i * 4, i * 4 + 4));
      for (const model of [1, 2, 3]) for (const i of [20, 21]) await user.infer(model, input(i));
      await seq.sequencer.seal();
      for (const model of [1, 2, 3]) expect((await provider.getModel(model))!.escrow).toBe(String(2n * FEE));
      await waitCommitted(s.d.rollup, 3n);

      // The prover attributes epoch 0 and submits one settlement per model: entries 4-6.
      const before = await Promise.all(ACCOUNTS.map(balance));
      const proverStore = new StoreClient(store.url, storeKey(PROVER));
      const attributor = new EpochAttributor({
        provider,
        sources: storeSources({ provider, params: TEST_PARAMS }, proverStore),
        key: testKey(PROVER),
        proverAccount: PROVER,
        domain: DEV_DOMAIN,
        shape: reward.shape,
      });
      const report = await attributor.settle(0);
      expect(report.method).toBe("knnShapley");
      expect(report.settled.map((j) => [j.model, j.inferences, j.result.entry, j.result.paid])).toEqual([
        [1, [1, 2], 4, String(2n * FEE)],
        [2, [3, 4], 5, String(2n * FEE)],
        [3, [5, 6], 6, String(2n * FEE)],
      ]);
      for (const model of [1, 2, 3]) expect((await provider.getModel(model))!.escrow).toBe("0");
      for (const id of [1, 2, 3, 4, 5, 6]) expect((await provider.getInference(id))!.payment).toBe("0");

      // Every balance moved by exactly what the split of §11.2 gives the published scores.
      const governance = await provider.getGovernance();
      const owed = new Map<number, bigint>();
      const scoresOf = new Map<number, bigint[][]>();
      for (const entry of [4, 5, 6]) {
        const st = await provider.getBatch(entry);
        if (st?.kind !== "settlement") throw new Error(`entry ${entry} is not a settlement`);
        const scores = st.scores.map((row) => row.map(BigInt));
        scoresOf.set(st.model, scores);
        const training = (await provider.getModel(st.model))!.contributions!;
        const credits = expectedCredits(governance, [FEE, FEE], scores, {
          data: training.map((c) => OWNER_OF[c - 1]!),
          model: st.model === 3 ? TUNER : OWNER,
          base: st.model === 3 ? OWNER : null,
          prover: PROVER,
          treasury: TREASURY,
        });
        for (const [account, amount] of credits) owed.set(account, (owed.get(account) ?? 0n) + amount);
      }
      const gained = (await Promise.all(ACCOUNTS.map(balance))).map((b, i) => b - before[i]!);
      expect(gained.reduce((a, b) => a + b, 0n)).toBe(6n * FEE);
      expect(Object.fromEntries(ACCOUNTS.map((a, i) => [a, gained[i]!]))).toEqual(
        Object.fromEntries(ACCOUNTS.map((a) => [a, owed.get(a) ?? 0n])),
      );
      const got = (key: number) => gained[ACCOUNTS.indexOf(key)]!;
      // The rows that helped are paid; the rows whose labels are all wrong earn least.
      for (const clean of [A, B]) expect(got(clean)).toBeGreaterThan(got(NOISY));
      // Splitting A's rows between two identities scores exactly the same rows and gains nothing:
      // the two halves' payable scores add up to A's, and their credits to A's less rounding dust.
      const [s1, s2] = [scoresOf.get(1)!, scoresOf.get(2)!];
      for (const i of [0, 1]) expect(s2[i]![0]! + s2[i]![1]!).toBe(s1[i]![0]!);
      expect(got(A1) + got(A2)).toBeLessThanOrEqual(got(A));
      expect((got(A) - got(A1) - got(A2)) * 100n).toBeLessThanOrEqual(got(A));
      // The copier's rows repeat E's, registered earlier: they score 0 and earn nothing.
      for (const i of [0, 1]) expect(scoresOf.get(3)![i]![1]).toBe(0n);
      expect(got(COPIER)).toBe(0n);
      expect(got(E)).toBeGreaterThan(0n);
      // Settling the epoch again finds nothing left to pay; the next epoch has not closed.
      expect((await attributor.settle(0)).settled).toEqual([]);
      expect(await rejectionCode(attributor.settle(2))).toBe("EPOCH_NOT_CLOSED");
      proverStore.close();

      // L1: batches 1-3 proven with the stub circuit, the settlements with the real reward circuit.
      for (const n of [1, 2, 3]) await proveStubBatch(n);
      await waitCommitted(s.d.rollup, 6n);
      for (const entry of [4, 5, 6]) {
        const node = new ProverNode({
          genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GOVERNANCE },
          source: new SequencerRpcSource(`${seq.url}/rpc`),
          rollup: s.rollupAs(s.prover),
          backend,
          // Batches are proven above: the node is assigned one settlement's entry alone.
          circuit: { wasm: "", zkey: "", circuitId: STUB_BATCH_VERIFIER.circuitId, shape: LAYOUT },
          rewardCircuit: reward,
          assignment: { index: entry, of: 1_000, takeoverSeconds: 1e9 },
        });
        expect(await node.step()).toMatchObject({ kind: "proved", batch: entry, entry: "settlement" });
      }
      expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(6n);

      // A contributor withdraws the reward (entry 7) and claims it on L1 once it is final.
      const w = wallet(A);
      const recipient = await s.alice.getAddress();
      expect((await w.withdraw(got(A), recipient)).status).toBe("executed");
      await seq.sequencer.seal();
      expect(await balance(A)).toBe(before[ACCOUNTS.indexOf(A)]!);
      await proveStubBatch(7);
      expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(7n);
      const withdrawals = (await batchAt(seq.sequencer.view, 7)).withdrawals;
      expect(withdrawals).toEqual([{ recipient, amount: got(A) }]);
      const l1Before = await s.d.token.getFunction("balanceOf")(recipient);
      await claimWithdrawals(String(s.d.rollup.target), s.bob, 7, withdrawals, { recipient });
      expect((await s.d.token.getFunction("balanceOf")(recipient)) - l1Before).toBe(got(A));
    },
  );
});

/** Waits until entry `n` is committed on L1, then proves it with the stub batch circuit. */
async function proveStubBatch(n: number): Promise<void> {
  const { s } = f;
  await waitCommitted(s.d.rollup, BigInt(n));
  const rollup = s.d.rollup;
  const proof = await proveStub(
    s.circuit,
    await rollup.getFunction("proofInputOf")(n, await s.prover.getAddress()),
  );
  await (
    await s.rollupAs(s.prover).getFunction("proveBatch")(n, STUB_BATCH_VERIFIER.circuitId, proof)
  ).wait();
}
