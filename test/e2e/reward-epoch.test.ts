/**
 * A reward epoch end to end (docs/protocol.md §11), every part real (test/e2e/epoch-fixture.ts):
 * an EDR chain with the rollup and the real Reward2x4 verifier, a sequencer posting to it, the
 * store, the inference node. Three owners contribute iris rows (one with every label wrong);
 * a model is trained on them from the store and registered; a user pays for inferences
 * through the inference node. When the epoch closes, the prover's attributor fetches the
 * model, rows and inputs from the store (each checked against the chain), values the
 * inferences with the governance's method (KNN-Shapley), and submits the settlement; the
 * sequencer pays it out on L2 and commits it; a prover node proves it on L1 with the reward
 * circuit; a contributor withdraws the reward on L2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { STUB_BATCH_VERIFIER } from "../../contracts/test/fixture.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { rejectionCode } from "../../protocol/testing.ts";
import { EpochAttributor } from "../../prover/epochs/attributor.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { InferenceClient } from "../../inference/client.ts";
import { testKey } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import {
  CONTRIBUTORS,
  contributeAndTrain,
  type EpochFixture,
  FEE,
  GOVERNANCE,
  LAYOUT,
  NOISY,
  PROVER,
  startEpochFixture,
  storeKey,
  USER,
} from "./epoch-fixture.ts";
import { waitCommitted } from "./settling-chain.ts";

let f: EpochFixture;
const backend = new SnarkjsBackend();

beforeAll(async () => {
  f = await startEpochFixture("e2e-epoch");
}, 1_800_000);

afterAll(async () => {
  await f?.stop();
  await backend.close();
  await terminateSnarkjsCurve();
});

const balance = async (account: number) => BigInt((await f.provider.getAccount(account))!.balance);

describe("a reward epoch, from contributed rows to rewards on contributors' L2 balances", () => {
  it(
    "attributes the epoch's inferences, pays the rows that helped, and proves the payout on L1",
    { timeout: 900_000 },
    async () => {
      // Entries 1 and 2: accounts, three contributions of iris rows, the model trained on them.
      const held = await contributeAndTrain(f);
      const { s, seq, provider, reward } = f;

      // Entry 3: two paid inferences through the inference node; it ends epoch 0.
      const user = new InferenceClient(f.serve.url, f.wallet(USER));
      for (const i of [0, 1]) {
        const x = Array.from(held.x.subarray(i * 4, i * 4 + 4));
        await user.infer(1, x);
      }
      await seq.sequencer.seal();
      expect((await provider.getModel(1))!.escrow).toBe(String(2n * FEE));
      await waitCommitted(s.d.rollup, 3n);

      // The prover attributes epoch 0 and submits its settlement: entry 4.
      const before = await Promise.all(CONTRIBUTORS.map(balance));
      const proverStore = new StoreClient(f.store.url, storeKey(PROVER));
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
      const w = f.wallet(best);
      const sent = await w.withdraw(reward0, await s.alice.getAddress());
      expect(sent.status).toBe("executed");
      await seq.sequencer.seal();
      expect(await balance(best)).toBe(before[CONTRIBUTORS.indexOf(best)]!);
    },
  );
});
