/**
 * A reward epoch end to end (docs/protocol.md §11), every part real: an EDR chain with the
 * rollup and the real Reward2x4 verifier, a sequencer posting to it, the store, the
 * inference node. Three owners contribute iris rows (one with every label wrong) through
 * `contribute`; a model is trained on them from the store and registered; a user pays for
 * inferences through the inference node. When the epoch closes, the prover's attributor
 * fetches the model, rows and inputs from the store (each checked against the chain), values
 * the inferences with the governance's method (KNN-Shapley), and submits the settlement; the
 * sequencer pays it out on L2 and commits it; a prover node proves it on L1 with the reward
 * circuit; a contributor withdraws the reward on L2.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import {
  deploySystem,
  prepareArtifacts,
  STUB_BATCH_VERIFIER,
  type System,
} from "../../contracts/test/fixture.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { OPEN_DATANET, rejectionCode, TEST_GOVERNANCE } from "../../protocol/testing.ts";
import { TxType } from "../../protocol/tx/types.ts";
import { splitBySizes } from "../../prover/datasets/dataset.ts";
import { loadIris } from "../../prover/datasets/iris.ts";
import { EpochAttributor } from "../../prover/epochs/attributor.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { ProverNode, type RewardCircuit } from "../../prover/node/node.ts";
import { buildRewardCircuit } from "../../prover/node/reward-circuit.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { trainAndRegister } from "../../prover/training/store-training.ts";
import { InferenceClient } from "../../inference/client.ts";
import { type RunningInferenceNode, startInferenceService } from "../../inference/service.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { L2Wallet } from "../../sdk/wallet.ts";
import type { SequencerNode } from "../../sequencer/node.ts";
import { tempDir, testKey } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import { contribute } from "../../store/contribute.ts";
import { StoreKey } from "../../store/identity.ts";
import { type RunningStore, startStore } from "../../store/server.ts";
import { IRIS_METADATA, writeIrisRows } from "../iris-rows.ts";
import { startSettlingSequencer, waitCommitted } from "./settling-chain.ts";

/** Epoch 0 is entries 1-3: setup, the model, the inferences; the settlement is entry 4. */
const GOVERNANCE = { ...TEST_GOVERNANCE, epochLength: 3 };
/** Keys by role; each key's L2 account is opened by a deposit in this order (ids 1..6). */
const PROVER = 1; // also the treasury account
const CONTRIBUTORS = [2, 3, 4];
const NOISY = 4; // every label of its rows is wrong
const OWNER = 5;
const USER = 6;
const OPERATOR = 7; // signs attestations and store requests; no L2 account
const FEE = 1_000n;
/** Batches are not proven here (test/e2e/prover.test.ts does): a wide layout keeps each phase in one batch. */
const LAYOUT = { slots: 16, withdrawals: 2, registrySlots: 8 };

let s: System;
let seq: SequencerNode;
let store: RunningStore;
let serve: RunningInferenceNode;
let reward: RewardCircuit;
let provider: OpenLedgerProvider;
const backend = new SnarkjsBackend();
const storeKey = (key: number) => new StoreKey(testKey(key));
const wallet = (key: number) =>
  new L2Wallet(
    { privateKey: testKey(key), publicKey: derivePublicKey(testKey(key)) },
    key,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  );

beforeAll(async () => {
  reward = await buildRewardCircuit(DEV_REWARD_CIRCUIT.name, DEV_REWARD_CIRCUIT.circuitId, { log: () => {} });
  s = await deploySystem(await prepareArtifacts(), (c) => ({ ...c, governance: GOVERNANCE }));
  seq = await startSettlingSequencer({
    s,
    name: "e2e-epoch",
    governance: GOVERNANCE,
    layout: LAYOUT,
    batchCircuitId: STUB_BATCH_VERIFIER.circuitId,
    reward: { ...reward, name: DEV_REWARD_CIRCUIT.name },
    treasuryAccount: PROVER,
  });
  provider = new OpenLedgerProvider(`${seq.url}/rpc`);
  store = await startStore({ dataDir: tempDir("e2e-epoch-store"), port: 0 });
  serve = await startInferenceService({
    sequencer: `${seq.url}/rpc`,
    store: store.url,
    domain: DEV_DOMAIN,
    params: TEST_PARAMS,
    key: testKey(OPERATOR),
    readers: [{ identity: storeKey(PROVER).identity, role: "prover" }],
    port: 0,
    logger: pino({ level: "warn" }),
  });
}, 1_800_000);

afterAll(async () => {
  await serve?.stop();
  await store?.stop();
  await seq?.stop();
  await backend.close();
  await terminateSnarkjsCurve();
});

/** Opens one L2 account per key through the L1 queue, in key order (account id = key). */
async function openAccounts(keys: readonly number[], amount: bigint): Promise<void> {
  const sender = await s.prover.getAddress();
  await (
    await s.tokenAs(s.prover).getFunction("approve")(s.d.rollup.target, amount * BigInt(keys.length))
  ).wait();
  for (const [i, key] of keys.entries()) {
    const pub = derivePublicKey(testKey(key));
    await (await s.rollupAs(s.prover).getFunction("deposit")(0, pub.x, pub.y, amount)).wait();
    await seq.sequencer.executeQueueOp({
      type: TxType.Deposit,
      queueIndex: BigInt(i),
      l1Sender: sender,
      to: 0,
      publicKey: pub,
      amount,
    });
  }
}

const balance = async (account: number) => BigInt((await provider.getAccount(account))!.balance);

describe("a reward epoch, from contributed rows to rewards on contributors' L2 balances", () => {
  it(
    "attributes the epoch's inferences, pays the rows that helped, and proves the payout on L1",
    { timeout: 900_000 },
    async () => {
      // Entry 1: accounts, and three contributions of iris rows, granted to the model owner and the prover.
      await openAccounts([PROVER, ...CONTRIBUTORS, OWNER, USER], 10n ** 15n);
      await wallet(OWNER).createDatanet(OPEN_DATANET);
      const [train, held] = splitBySizes(loadIris(), [120, 30], "e2e/epoch");
      const dir = mkdtempSync(join(tmpdir(), "openledger-epoch-rows-"));
      for (const [c, key] of CONTRIBUTORS.entries()) {
        const file = join(dir, `rows-${key}.jsonl`);
        writeIrisRows(file, train!, c * 40, 40, key === NOISY ? (y) => (y + 1) % 3 : undefined);
        const client = new StoreClient(store.url, storeKey(key));
        const result = await contribute(
          {
            file,
            format: "jsonl",
            metadata: IRIS_METADATA,
            datanet: 1,
            stake: 100n,
            license: 1,
            fee: 0n,
            refuseDuplicates: false,
            stateDir: join(dir, "state"),
          },
          client,
          wallet(key),
        );
        expect(result.contribution).toBe(c + 1);
        for (const reader of [OWNER, PROVER])
          await client.grant(result.blobId, storeKey(reader).identity, "prover");
        client.close();
      }
      await seq.sequencer.seal();

      // Entry 2: the model, trained from the store and stored for the operator and the prover.
      const owner = wallet(OWNER);
      await owner.stake(1_000n);
      const ownerStore = new StoreClient(store.url, storeKey(OWNER));
      const registered = await trainAndRegister(owner, ownerStore, {
        contributions: [1, 2, 3],
        hidden: [8],
        epochs: 20,
        batchSize: 16,
        seed: "e2e/epoch",
        classes: 3,
        inferenceFee: FEE,
        readers: [
          { identity: storeKey(OPERATOR).identity, role: "reader" },
          { identity: storeKey(PROVER).identity, role: "prover" },
        ],
      });
      ownerStore.close();
      expect(registered.model).toBe(1);
      await seq.sequencer.seal();

      // Entry 3: two paid inferences through the inference node; it ends epoch 0.
      const user = new InferenceClient(serve.url, wallet(USER));
      for (const i of [0, 1]) {
        const x = Array.from(held!.x.subarray(i * 4, i * 4 + 4));
        await user.infer(1, x);
      }
      await seq.sequencer.seal();
      expect((await provider.getModel(1))!.escrow).toBe(String(2n * FEE));
      await waitCommitted(s.d.rollup, 3n);

      // The prover attributes epoch 0 and submits its settlement: entry 4.
      const before = await Promise.all(CONTRIBUTORS.map(balance));
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
      expect(report.settled).toHaveLength(1);
      expect(report.settled[0]).toMatchObject({
        model: 1,
        inferences: [1, 2],
        result: { entry: 4, paid: "2000" },
      });

      // Every unit of the two payments left the escrow and reached a balance (§11.2).
      expect((await provider.getModel(1))!.escrow).toBe("0");
      for (const id of [1, 2]) expect((await provider.getInference(id))!.payment).toBe("0");
      const credits = report.settled[0]!.result.credits;
      expect(credits.reduce((sum, c) => sum + BigInt(c.amount), 0n)).toBe(2n * FEE);
      const gained = (await Promise.all(CONTRIBUTORS.map(balance))).map((b, i) => b - before[i]!);
      // The rows that helped are paid; the rows whose labels are all wrong earn least.
      const noisy = gained[CONTRIBUTORS.indexOf(NOISY)]!;
      const clean = gained.filter((_, i) => CONTRIBUTORS[i] !== NOISY);
      expect(clean.reduce((a, b) => a + b, 0n)).toBeGreaterThan(0n);
      for (const g of clean) expect(g).toBeGreaterThan(noisy);
      // Settling the epoch again finds nothing left to pay; the next epoch has not closed.
      expect((await attributor.settle(0)).settled).toEqual([]);
      expect(await rejectionCode(attributor.settle(1))).toBe("EPOCH_NOT_CLOSED");

      // A prover node proves the settlement on L1 with the reward circuit.
      await waitCommitted(s.d.rollup, 4n);
      const node = new ProverNode({
        genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GOVERNANCE },
        source: new SequencerRpcSource(`${seq.url}/rpc`),
        rollup: s.rollupAs(s.prover),
        backend,
        // Batches are not proven here: the node is assigned the settlement's entry alone.
        circuit: { wasm: "", zkey: "", circuitId: STUB_BATCH_VERIFIER.circuitId, shape: LAYOUT },
        rewardCircuit: reward,
        assignment: { index: 4, of: 1_000, takeoverSeconds: 1e9 },
      });
      expect(await node.step()).toMatchObject({ kind: "proved", batch: 4, entry: "settlement" });
      const proofSlot = ((await s.d.rollup.getFunction("batch")(4n)) as { proofSlot: bigint }).proofSlot;
      expect(proofSlot >> 255n).toBe(1n);

      // A contributor withdraws the reward to L1 (the L2 side; claims are test/e2e/prover.test.ts's).
      const best = CONTRIBUTORS[gained.indexOf(clean.reduce((a, b) => (a > b ? a : b)))]!;
      const reward0 = gained[CONTRIBUTORS.indexOf(best)]!;
      const w = wallet(best);
      const sent = await w.withdraw(reward0, await s.alice.getAddress());
      expect(sent.status).toBe("executed");
      await seq.sequencer.seal();
      expect(await balance(best)).toBe(before[CONTRIBUTORS.indexOf(best)]!);
    },
  );
});
