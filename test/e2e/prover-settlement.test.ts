/**
 * Prover nodes replay a reward settlement entry (docs/protocol.md §11) on their way to the
 * batch after it, with the devnet's batch circuit and the real reward circuit on an EDR chain:
 * the sequencer accepts the settlement, its poster commits it between the batches, and each
 * node applies it against the epoch end it replayed itself and checks L1's root. The node
 * the settlement is assigned to proves it with the reward circuit through the real verifier;
 * the one the next batch is assigned to proves that batch, whose replay reaches L1's root
 * only if the settlement was applied.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import { deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import { TEST_GOVERNANCE } from "../../protocol/testing.ts";
import { encodeTx } from "../../protocol/tx/codec.ts";
import { signTx } from "../../protocol/tx/sign.ts";
import { CurationMode, type L2Tx, TxType } from "../../protocol/tx/types.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { ProverNode, type RewardCircuit } from "../../prover/node/node.ts";
import { buildRewardCircuit } from "../../prover/node/reward-circuit.ts";
import { type BatchSource, SequencerRpcSource } from "../../prover/node/source.ts";
import type { SequencerNode } from "../../sequencer/node.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { testKey } from "../../sequencer/testing.ts";
import { startSettlingSequencer, waitCommitted } from "./settling-chain.ts";

const { name: CIRCUIT, circuitId: CIRCUIT_ID, shape: SHAPE } = DEV_BATCH_CIRCUIT;
/** Epoch 0 ends at entry 4; the settlement is entry 5, the batch after it entry 6. */
const GOVERNANCE = { ...TEST_GOVERNANCE, epochLength: 4 };
const REWARD_CIRCUIT = 3;
/** One account does everything: deposited from the bonded prover's L1 address, it is also the treasury. */
const ACCOUNT = 1;
const KEY = 1;

let circuit: CircuitArtifacts;
let reward: RewardCircuit;
let s: System;
let seq: SequencerNode;
const backend = new SnarkjsBackend();

// On a clean build/ the 2^18 dev keys take about ten minutes on two cores: a longer hook timeout.
beforeAll(async () => {
  circuit = await buildCircuit(CIRCUIT, { log: () => {} });
  reward = await buildRewardCircuit("reward_2x4", REWARD_CIRCUIT, { log: () => {} });
  s = await deploySystem(await prepareArtifacts(), (c) => ({
    ...c,
    governance: GOVERNANCE,
    batchVerifier: { contract: circuit.verifierContract, circuitId: CIRCUIT_ID },
  }));
  seq = await startSettlingSequencer({
    s,
    name: "e2e-settle",
    governance: GOVERNANCE,
    layout: SHAPE,
    batchCircuitId: CIRCUIT_ID,
    reward: { ...reward, name: "reward_2x4" },
    treasuryAccount: ACCOUNT,
  });
}, 1_800_000);

afterAll(async () => {
  await seq?.stop();
  await backend.close();
  await terminateSnarkjsCurve();
});

/** An L2 transaction of account 1 before its nonce and fee. */
type Unsigned<T = L2Tx> = T extends L2Tx ? Omit<T, "from" | "nonce" | "fee"> : never;

let nonce = 0;
/** Sends account 1's next transaction; it must be accepted. */
async function send(tx: Unsigned): Promise<void> {
  const full = { ...tx, from: ACCOUNT, nonce: nonce++, fee: 1n } as L2Tx;
  await seq.sequencer.submit(encodeTx(signTx(full, testKey(KEY), DEV_DOMAIN, TEST_PARAMS)));
}

const proverNode = (source: BatchSource, index: number, withReward: boolean) =>
  new ProverNode({
    genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GOVERNANCE },
    source,
    rollup: s.rollupAs(s.prover),
    backend,
    circuit: { wasm: circuit.wasm, zkey: circuit.zkey, circuitId: CIRCUIT_ID, shape: SHAPE },
    ...(withReward && { rewardCircuit: reward }),
    // Of entries 1 to 6, only `index` is this node's: one proof each.
    assignment: { index, of: 8, takeoverSeconds: 1e9 },
  });

const PROVEN = 1n << 255n;
const proven = async (n: bigint) =>
  ((await s.d.rollup.getFunction("batch")(n)) as { proofSlot: bigint }).proofSlot & PROVEN;

describe("prover nodes through a settlement entry", () => {
  it(
    "apply the settlement against the epoch end they replayed, prove it with the reward circuit, and prove the batch after it",
    { timeout: 900_000 },
    async () => {
      // Batch 1: the deposit from the prover's L1 address and an open Datanet; batch 2: a
      // contribution to it.
      const amount = 1_000_000n;
      const pub = derivePublicKey(testKey(KEY));
      await (await s.tokenAs(s.prover).getFunction("approve")(s.d.rollup.target, amount)).wait();
      await (await s.rollupAs(s.prover).getFunction("deposit")(0, pub.x, pub.y, amount)).wait();
      await seq.sequencer.executeQueueOp({
        type: TxType.Deposit,
        queueIndex: 0n,
        l1Sender: await s.prover.getAddress(),
        to: 0,
        publicKey: pub,
        amount,
      });
      await send({
        type: TxType.CreateDatanet,
        metadataHash: 1n,
        licensePolicy: 1 << 1,
        curationMode: CurationMode.Open,
        curators: [],
        minStake: 0n,
      });
      await seq.sequencer.seal();
      await send({
        type: TxType.RegisterContribution,
        datanet: 1,
        contentRoot: 11n,
        rowCount: 10,
        license: 1,
        uriCommitment: 12n,
        stake: 100n,
      });
      await seq.sequencer.seal();
      // Batch 3: the model; batch 4: an inference paying it, which ends epoch 0.
      await send({ type: TxType.Stake, amount: 1000n });
      await send({
        type: TxType.RegisterModel,
        modelHash: 21n,
        trainingConfigHash: 22n,
        contributions: [1],
        checkpointCommitment: 23n,
        inferenceFee: 5n,
        baseModel: 0,
      });
      await seq.sequencer.seal();
      await send({
        type: TxType.Inference,
        model: 1,
        inputHash: 31n,
        outputHash: 32n,
        featureCommitment: 33n,
        payment: 500n,
      });
      await seq.sequencer.seal();
      // Entry 5: the settlement of epoch 0; entry 6: a batch after it.
      const data: SettlementData = {
        epoch: 0,
        model: 1,
        inferences: [1],
        scores: [[7n]],
        proverAccount: ACCOUNT,
      };
      const answer = await new OpenLedgerProvider(`${seq.url}/rpc`).submitSettlement(
        signSettlement(data, testKey(KEY), DEV_DOMAIN),
      );
      expect(answer).toMatchObject({ entry: 5, paid: "500" });
      await send({ type: TxType.Stake, amount: 1n });
      await seq.sequencer.seal();
      await waitCommitted(s.d.rollup, 6n);

      const honest = new SequencerRpcSource(`${seq.url}/rpc`);
      // Assigned the settlement but without the reward circuit: it replays it and proves nothing.
      expect(await proverNode(honest, 5, false).step()).toEqual({ kind: "idle" });
      expect(await proven(5n)).toBe(0n);

      const settler = proverNode(honest, 5, true);
      expect(await settler.step()).toMatchObject({ kind: "proved", batch: 5, entry: "settlement" });
      expect(await proven(5n)).toBe(PROVEN);
      expect(await settler.step()).toEqual({ kind: "idle" });

      const node = proverNode(honest, 6, false);
      expect(await node.step()).toMatchObject({ kind: "proved", batch: 6, entry: "batch" });
      expect(node.replayedBatches).toBe(6);
      expect(await s.d.rollup.getFunction("commitmentOf")(6n)).toBe(0n);
      expect(await node.step()).toEqual({ kind: "idle" });
    },
  );
});
