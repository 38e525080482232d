/**
 * A gradient-method reward epoch proven on L1 with the circuit that recomputes the scores
 * (`reward_tracin_2x4x4_3x5`, docs/attribution.md §6), every part real: an EDR chain with the
 * rollup and the verifier generated from the circuit's dev keys registered for reward epochs,
 * a sequencer posting to it, the store, the inference node. Governance's method is TracIn
 * (attributionMethod 2). Three owners contribute four iris rows each (a lane holds four); the
 * model trained on them registers the real checkpoint commitment and the inference node the
 * real feature commitments. The attributor settles the epoch; a prover node, reading the
 * model, rows and inputs through the attributor's store sources, proves the settlement and L1
 * accepts it. A settlement whose scores are not what the rows give is refused by the node's
 * witness builder, naming the lane, and nothing reaches L1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { STUB_BATCH_VERIFIER } from "../../contracts/test/fixture.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import type { Dataset } from "../../prover/datasets/dataset.ts";
import { EpochAttributor } from "../../prover/epochs/attributor.ts";
import { inferenceScores } from "../../prover/epochs/scores.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { ProverNode, type ProverNodeOptions } from "../../prover/node/node.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { InferenceClient } from "../../inference/client.ts";
import { testKey } from "../../sequencer/testing.ts";
import { StoreClient } from "../../store/client.ts";
import {
  contributeAndTrain,
  type EpochFixture,
  GOVERNANCE,
  LAYOUT,
  OWNER,
  PROVER,
  startEpochFixture,
  storeKey,
  USER,
} from "./epoch-fixture.ts";
import { waitCommitted } from "./settling-chain.ts";

/** TracIn (docs/attribution.md §3); epoch e is entries 3e+1..3e+3. */
const TRACIN_GOVERNANCE: GovernanceParams = { ...GOVERNANCE, attributionMethod: 2 };
const TRACIN_CIRCUIT = { name: "reward_tracin_2x4x4_3x5", circuitId: 4 };
const PROVEN = 1n << 255n;

let f: EpochFixture;
let held: Dataset;
let proverStore: StoreClient;
const backend = new SnarkjsBackend();

beforeAll(async () => {
  f = await startEpochFixture("e2e-tracin", { reward: TRACIN_CIRCUIT, governance: TRACIN_GOVERNANCE });
  // The circuit's lanes: four rows per contribution, an embedding of 4 (a 4-8-4-3 MLP).
  held = await contributeAndTrain(f, { rowsEach: 4, hidden: [8, 4] });
  proverStore = new StoreClient(f.store.url, storeKey(PROVER));
}, 1_800_000);

afterAll(async () => {
  proverStore?.close();
  await f?.stop();
  await backend.close();
  await terminateSnarkjsCurve();
});

const sources = () => storeSources({ provider: f.provider, params: TEST_PARAMS }, proverStore);
const input = (i: number) => Array.from(held.x.subarray(i * 4, i * 4 + 4));
const proofSlot = async (n: bigint) =>
  ((await f.s.d.rollup.getFunction("batch")(n)) as { proofSlot: bigint }).proofSlot;

/** A node that proves entry `entry` only (batches are left alone: they are proven elsewhere). */
const nodeOptions = (entry: number): ProverNodeOptions => ({
  genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: TRACIN_GOVERNANCE },
  source: new SequencerRpcSource(`${f.seq.url}/rpc`),
  rollup: f.s.rollupAs(f.s.prover),
  backend,
  circuit: { wasm: "", zkey: "", circuitId: STUB_BATCH_VERIFIER.circuitId, shape: LAYOUT },
  rewardCircuit: f.reward,
  sources: sources(),
  assignment: { index: entry, of: 1_000, takeoverSeconds: 1e9 },
});

describe("a gradient-method settlement proven with the circuit that checks its scores", () => {
  it("is refused at construction without the sources its witness reads", () => {
    expect(f.reward.template).toBe("RewardSettlementTracin");
    const { sources: _, ...without } = nodeOptions(4);
    expect(() => new ProverNode(without)).toThrow(expect.objectContaining({ code: "MISSING_SOURCES" }));
  });

  it(
    "the attributor's TracIn settlement is proven by the node and accepted by L1; scores the rows do not give are refused, naming the lane, with nothing sent",
    { timeout: 1_200_000 },
    async () => {
      const user = new InferenceClient(f.serve.url, f.wallet(USER));
      await user.infer(1, input(0));
      await user.infer(1, input(1));
      await f.seq.sequencer.seal(); // entry 3: epoch 0 closes
      await waitCommitted(f.s.d.rollup, 3n);

      const report = await new EpochAttributor({
        provider: f.provider,
        sources: sources(),
        key: testKey(PROVER),
        proverAccount: PROVER,
        domain: DEV_DOMAIN,
        shape: f.reward.shape,
      }).settle(0);
      expect(report.method).toBe("tracin");
      expect(report.settled.map((j) => [j.model, j.inferences, j.result.entry])).toEqual([[1, [1, 2], 4]]);
      const settled = await f.provider.getBatch(4);
      if (settled?.kind !== "settlement") throw new Error("entry 4 is not a settlement");
      // Some contribution is paid: the circuit's per-row sums are exercised, not only zeros.
      expect(settled.scores.flat().some((v) => BigInt(v) > 0n)).toBe(true);
      await waitCommitted(f.s.d.rollup, 4n);

      expect(await new ProverNode(nodeOptions(4)).step()).toMatchObject({
        kind: "proved",
        batch: 4,
        entry: "settlement",
      });
      expect((await proofSlot(4n)) & PROVEN).toBe(PROVEN);

      // Epoch 1: inference 3 (entry 5), then entry 6 closes it; entry 7 settles it with
      // contribution 1's score one above what its rows give. The sequencer cannot tell.
      await user.infer(1, input(2));
      await f.seq.sequencer.seal();
      await f.wallet(OWNER).stake(1n);
      await f.seq.sequencer.seal();
      const x = await sources().input((await f.provider.getInference(3))!);
      const honest = inferenceScores("tracin", await sources().model(1), x);
      const data: SettlementData = {
        epoch: 1,
        model: 1,
        inferences: [3],
        scores: [honest.map((v, j) => (j === 0 ? v + 1n : v))],
        proverAccount: PROVER,
      };
      expect(
        await f.provider.submitSettlement(signSettlement(data, testKey(PROVER), DEV_DOMAIN)),
      ).toMatchObject({
        entry: 7,
      });
      await waitCommitted(f.s.d.rollup, 7n);

      const prover = await f.s.prover.getAddress();
      const sent = await f.s.ethers.provider.getTransactionCount(prover);
      await expect(new ProverNode(nodeOptions(7)).step()).rejects.toMatchObject({
        code: "INVALID_TRANSACTION",
        message: `lane (0, 0): the settlement pays inference 3 for contribution 1 the score ${honest[0]! + 1n}, its rows give ${honest[0]}`,
      });
      expect((await proofSlot(7n)) & PROVEN).toBe(0n);
      expect(await f.s.ethers.provider.getTransactionCount(prover)).toBe(sent);
    },
  );
});
