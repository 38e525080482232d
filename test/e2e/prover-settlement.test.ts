/**
 * A prover node replays a reward settlement entry (docs/protocol.md §11) on its way to the
 * batch after it, with the devnet's batch circuit on an EDR chain: the sequencer accepts the
 * settlement, its poster commits it between the batches, and the node applies it against the
 * epoch end it replayed itself, checks L1's root, leaves it unproven (the reward circuit is
 * not run by the node yet) and proves the batch after it, whose replay reaches L1's root only
 * if the settlement was applied.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import {
  deploySystem,
  enableSettlements,
  prepareArtifacts,
  type System,
} from "../../contracts/test/fixture.ts";
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
import { ProverNode } from "../../prover/node/node.ts";
import { type BatchSource, SequencerRpcSource } from "../../prover/node/source.ts";
import { L1BatchPoster } from "../../sequencer/l1/l1-poster.ts";
import { L1ProverRegistry } from "../../sequencer/l1/prover-registry.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";

const { name: CIRCUIT, circuitId: CIRCUIT_ID, shape: SHAPE } = DEV_BATCH_CIRCUIT;
/** Epoch 0 ends at entry 4; the settlement is entry 5, the batch after it entry 6. */
const GOVERNANCE = { ...TEST_GOVERNANCE, epochLength: 4 };
const REWARD_CIRCUIT = 3;
/** One account does everything: deposited from the bonded prover's L1 address, it is also the treasury. */
const ACCOUNT = 1;
const KEY = 1;

let circuit: CircuitArtifacts;
let s: System;
let seq: SequencerNode;
const backend = new SnarkjsBackend();

// On a clean build/ the 2^18 dev keys take about ten minutes on two cores: a longer hook timeout.
beforeAll(async () => {
  circuit = await buildCircuit(CIRCUIT, { log: () => {} });
  s = await deploySystem(await prepareArtifacts(), (c) => ({
    ...c,
    governance: GOVERNANCE,
    batchVerifier: { contract: circuit.verifierContract, circuitId: CIRCUIT_ID },
  }));
  // commitSettlement needs a verifier registered for reward epochs: any verifier contract will
  // do, since nothing here proves a settlement.
  await enableSettlements(s, { circuitId: REWARD_CIRCUIT, treasuryAccount: ACCOUNT });
  const rollupAddress = String(s.d.rollup.target);
  seq = await startNode(
    testNodeConfig(tempDir("e2e-settle"), {
      governance: GOVERNANCE,
      batchMaxTxs: SHAPE.slots,
      batchWithdrawals: SHAPE.withdrawals,
      batchRegistrySlots: SHAPE.registrySlots,
      settlements: { treasuryAccount: ACCOUNT, shape: { inferences: 2, contributions: 4 } },
    }),
    pino({ level: "warn" }),
    new L1BatchPoster({
      rollup: rollupAddress,
      signer: s.sequencer,
      retryDelayMs: 50,
      batchCircuitId: CIRCUIT_ID,
      rewardCircuitId: REWARD_CIRCUIT,
    }),
    new L1ProverRegistry(rollupAddress, s.ethers.provider),
  );
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

async function waitCommitted(n: bigint): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if ((await s.d.rollup.getFunction("head")()).lastCommitted >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`entry ${n} was not committed`);
}

const proverNode = (source: BatchSource) =>
  new ProverNode({
    genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GOVERNANCE },
    source,
    rollup: s.rollupAs(s.prover),
    backend,
    circuit: { wasm: circuit.wasm, zkey: circuit.zkey, circuitId: CIRCUIT_ID, shape: SHAPE },
    // Of entries 1 to 6, only 6 is this node's: one proof, the batch after the settlement.
    assignment: { index: 6, of: 8, takeoverSeconds: 1e9 },
  });

describe("prover node replay through a settlement entry", () => {
  it(
    "applies the settlement against the epoch end it replayed and proves the batch after it",
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
      await waitCommitted(6n);

      const honest = new SequencerRpcSource(`${seq.url}/rpc`);
      const node = proverNode(honest);
      expect(await node.step()).toMatchObject({ kind: "proved", batch: 6 });
      expect(node.replayedBatches).toBe(6);
      expect(await s.d.rollup.getFunction("commitmentOf")(6n)).toBe(0n);
      expect(await node.step()).toEqual({ kind: "idle" });
    },
  );
});
