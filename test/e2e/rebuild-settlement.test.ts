/**
 * A reward settlement entry rebuilt from L1 alone (docs/protocol.md §8.4, §11.5) against real
 * parts: an EDR chain with the reward circuit's real verifier registered, a sequencer on
 * LevelDB that takes settlements and keeps a blob archive directory. Entry 1 is a batch whose
 * inference pays a model (it ends epoch 0), entry 2 the settlement of that epoch, entry 3 a
 * batch after it; the rebuild from L1 and the archive reproduces the sequencer's root at each,
 * and still does after governance names another treasury account once the settlement is in.
 * No proofs: commits need none, and the rebuild is told which entry to stop at.
 */
import { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { replayFinalized } from "../../bridge/finalized-state.ts";
import { l1Entries } from "../../bridge/l1-entries.ts";
import { depositToL2 } from "../../bridge/l1-orders.ts";
import { L1QueueRelay } from "../../bridge/queue-relay.ts";
import { silent } from "../../bridge/testing.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { DirectoryArchive } from "../../contracts/client/blob-archive.ts";
import { asTimelock, deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import type { Field } from "../../protocol/field.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import type { Genesis, RollupState } from "../../protocol/state/state.ts";
import { TEST_GOVERNANCE } from "../../protocol/testing.ts";
import { encodeTx } from "../../protocol/tx/codec.ts";
import { signTx } from "../../protocol/tx/sign.ts";
import { CurationMode, type L2Tx, TxType } from "../../protocol/tx/types.ts";
import { buildRewardCircuit } from "../../prover/node/reward-circuit.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { relaySink } from "../../sequencer/l1/relay-sink.ts";
import type { SequencerNode } from "../../sequencer/node.ts";
import { tempDir, testKey } from "../../sequencer/testing.ts";
import { startSettlingSequencer, waitCommitted } from "./settling-chain.ts";

/** The layout the sequencer posts in: small, so that its blobs are quick to compute. */
const SHAPE = { slots: 16, withdrawals: 2, registrySlots: 4 };
const REWARD_CIRCUIT = 3;
/** Account 1 does everything (its L1 address is the bonded prover's) and is the treasury until governance names account 2. */
const ACCOUNT = 1;
const KEY = 1;

describe("rebuild from L1 alone through a reward settlement", () => {
  let s: System;
  let node: SequencerNode;
  let reader: Contract;
  let fromBlock: number;
  let archiveDir: string;
  let genesis: Genesis;
  /** Entry -> the post-state root the sequencer sealed. */
  const sealedRoots = new Map<number, Field>();

  const rebuild = (upTo: number): Promise<RollupState> =>
    replayFinalized(
      l1Entries(reader, { archive: new DirectoryArchive(archiveDir), shape: SHAPE, fromBlock }),
      reader,
      genesis,
      { upTo, fromBlock },
    );

  beforeAll(async () => {
    const reward = await buildRewardCircuit("reward_2x4", REWARD_CIRCUIT, { log: () => {} });
    s = await deploySystem(await prepareArtifacts(), (c) => ({
      ...c,
      governance: { ...TEST_GOVERNANCE, epochLength: 1 },
    }));
    reader = new Contract(String(s.d.rollup.target), BRIDGE_ABI, s.ethers.provider);
    fromBlock = s.d.file.deployedAtBlock;
    archiveDir = tempDir("rebuild-settlement-archive");
    node = await startSettlingSequencer({
      s,
      name: "rebuild-settlement",
      governance: s.config.governance,
      layout: SHAPE,
      batchCircuitId: s.d.file.batchCircuitId,
      reward: { ...reward, name: "reward_2x4" },
      treasuryAccount: ACCOUNT,
      archive: archiveDir,
    });
    const l2 = new OpenLedgerProvider(`${node.url}/rpc`);
    const { domain, params, governance } = await l2.getParams();
    genesis = { domain, params, governance };

    // Entry 1: two deposits from the prover's L1 address (accounts 1 and 2), then account 1's
    // Datanet, contribution, stake, model and an inference paying the model 500.
    const rollupAddress = String(s.d.rollup.target);
    const key = derivePublicKey(testKey(KEY));
    await depositToL2(rollupAddress, s.prover, { to: 0, key, amount: 1_000_000n });
    await depositToL2(rollupAddress, s.prover, { to: 0, key, amount: 1_000n });
    const relay = new L1QueueRelay({
      rollup: reader,
      sink: relaySink(node),
      fromBlock,
      confirmations: 0,
      pollMs: 50,
      logger: silent,
    });
    expect(await relay.poll()).toBe(2);
    let nonce = 0;
    const send = async (tx: Record<string, unknown>) => {
      const full = { ...tx, from: ACCOUNT, nonce: nonce++, fee: 1n } as L2Tx;
      await node.sequencer.submit(encodeTx(signTx(full, testKey(KEY), domain, params)));
    };
    const seal = async () => {
      const b = (await node.sequencer.seal())!;
      sealedRoots.set(b.number, b.postStateRoot);
    };
    await send({
      type: TxType.CreateDatanet,
      metadataHash: 1n,
      licensePolicy: 1 << 1,
      curationMode: CurationMode.Open,
      curators: [],
      minStake: 0n,
    });
    await send({
      type: TxType.RegisterContribution,
      datanet: 1,
      contentRoot: 11n,
      rowCount: 10,
      license: 1,
      uriCommitment: 12n,
      stake: 100n,
    });
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
    await send({
      type: TxType.Inference,
      model: 1,
      inputHash: 31n,
      outputHash: 32n,
      featureCommitment: 33n,
      payment: 500n,
    });
    await seal();
    // Entry 2: the settlement of epoch 0; entry 3: a batch after it.
    const settled = await l2.submitSettlement(
      signSettlement(
        { epoch: 0, model: 1, inferences: [1], scores: [[7n]], proverAccount: ACCOUNT },
        testKey(KEY),
        domain,
      ),
    );
    expect(settled).toMatchObject({ entry: 2, paid: "500" });
    sealedRoots.set(2, BigInt((await l2.getBatch(2))!.postStateRoot));
    await send({ type: TxType.Stake, amount: 1n });
    await seal();
    await waitCommitted(s.d.rollup, 3n);
  }, 300_000);

  afterAll(async () => {
    await node?.stop();
    await terminateSnarkjsCurve();
  });

  it("reproduces the sequencer's root at every entry, the settlement's included", async () => {
    for (let n = 1; n <= 3; n++) expect((await rebuild(n)).root()).toBe(sealedRoots.get(n));
    const state = await rebuild(3);
    // The settlement was applied: the model's escrow is paid out and its inference settled.
    expect(state.models.get(1)!.escrow).toBe(0n);
    expect(state.inferences.get(1)!.payment).toBe(0n);
  }, 120_000);

  it("replays the settlement with the treasury account of its commit after governance names another", async () => {
    const registry = await asTimelock(s, s.d.paramsRegistry);
    await (await registry.getFunction("setTreasuryAccount")(2)).wait();
    expect(await s.d.paramsRegistry.getFunction("treasuryAccount")()).toBe(2n);
    // Read as it is now, account 2 would take the protocol share: a root mismatch at entry 2.
    expect((await rebuild(3)).root()).toBe(sealedRoots.get(3));
  }, 120_000);
});
