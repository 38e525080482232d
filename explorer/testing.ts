/**
 * The explorer's test chain, all real parts: the contracts on an in-process EDR chain, a
 * sequencer node whose batches the L1 poster commits, deposits relayed from L1, a Groth16
 * proof (of the stub batch circuit the contracts verify) finalizing the first batch, one
 * proving the third (proven, not final while the second waits for its proof), and
 * the explorer serving all of it. Epochs are one entry long, so that `settleEpoch` can pay out
 * a reward epoch after whatever batches a test adds.
 */
import { Contract } from "ethers";
import { pino } from "pino";
import { L1QueueRelay } from "../bridge/queue-relay.ts";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { ROLLUP_ABI } from "../contracts/client/rollup-abi.ts";
import { committedSettlement } from "../contracts/client/settlements.ts";
import {
  deploySystem,
  enableSettlements,
  prepareArtifacts,
  proveStub,
  type System,
} from "../contracts/test/fixture.ts";
import { deriveL2Key, type L2KeyPair } from "../protocol/keys.ts";
import type { SettlementData } from "../protocol/rewards/encoding.ts";
import { signSettlement } from "../protocol/rewards/sign.ts";
import { encodeTx } from "../protocol/tx/codec.ts";
import { signTx } from "../protocol/tx/sign.ts";
import { CurationMode, type L2Tx, TxType } from "../protocol/tx/types.ts";
import { nodeConfig } from "../sequencer/config.ts";
import { L1BatchPoster } from "../sequencer/l1/l1-poster.ts";
import { L1ProverRegistry } from "../sequencer/l1/prover-registry.ts";
import { relaySink } from "../sequencer/l1/relay-sink.ts";
import { type SequencerNode, startNode } from "../sequencer/node.ts";
import { tempDir } from "../sequencer/testing.ts";
import { type RunningExplorer, startExplorer } from "./server.ts";

export const OPEN = 10n ** 18n;
const logger = pino({ level: "silent" });

/** A transaction before the fixture numbers and prices it. */
type Unsigned<T = L2Tx> = T extends L2Tx ? Omit<T, "nonce" | "fee"> : never;

export interface ExplorerFixture {
  readonly s: System;
  readonly node: SequencerNode;
  readonly explorer: RunningExplorer;
  readonly alice: number;
  readonly bob: number;
  readonly aliceAddress: string;
  /**
   * Hashes by what they did: batch 1 (final) holds the deposits and the transfer, batch 2
   * (committed) the registrations, the inference and the withdrawal, batch 3 (proven) the refund.
   */
  readonly txs: Record<
    "transfer" | "stake" | "datanet" | "contribution" | "model" | "inference" | "withdraw" | "refund",
    string
  >;
  /** Signs (with the next nonce) and submits a transaction of Alice's or Bob's; returns its hash. */
  send(tx: Unsigned, as: "alice" | "bob"): Promise<string>;
  /** Pays out a reward epoch with two real settlements, the first proven on L1 (see `settleEpoch`). */
  settleEpoch(): Promise<SettledEpoch>;
  stop(): Promise<void>;
}

/** What `settleEpoch` built: ids to look for in the explorer. */
export interface SettledEpoch {
  readonly epoch: number;
  readonly prover: number;
  readonly treasury: number;
  /** Entries of the settlements: model 2's inferences [2, 3] (proven on L1), model 1's [1] (committed). */
  readonly settlements: readonly [number, number];
  /** Model 2's inference that no settlement took. */
  readonly unsettled: number;
}

/** The reward circuit's id on L1 (the stub verifier, registered for settlements) and its lanes. */
const REWARD_CIRCUIT = 2;
const REWARD_SHAPE = { inferences: 2, contributions: 4 };
/** Accounts after Alice (1) and Bob (2): the prover's, opened from the bonded prover's L1 address, then the treasury's. */
const PROVER_ACCOUNT = 3;
const TREASURY_ACCOUNT = 4;
/** Payable scores are fixed point at scale 2^32 (docs/attribution.md §4). */
const SCORE_ONE = 1n << 32n;

export async function startFixture(): Promise<ExplorerFixture> {
  const s = await deploySystem(await prepareArtifacts(), (c) => ({
    ...c,
    governance: { ...c.governance, epochLength: 1 },
  }));
  await enableSettlements(s, { circuitId: REWARD_CIRCUIT, treasuryAccount: TREASURY_ACCOUNT });
  const rollup = String(s.d.rollup.target);
  const domain = { chainId: (await s.ethers.provider.getNetwork()).chainId, rollup };
  const params = s.config.protocol;
  const node = await startNode(
    nodeConfig({
      dataDir: tempDir("explorer"),
      port: 0,
      domain,
      params,
      governance: s.config.governance,
      batchIntervalMs: 3_600_000,
      verifyWorkers: 0,
      settlements: { treasuryAccount: TREASURY_ACCOUNT, shape: REWARD_SHAPE },
    }),
    logger,
    new L1BatchPoster({
      rollup,
      signer: s.sequencer,
      batchCircuitId: s.d.file.batchCircuitId,
      rewardCircuitId: REWARD_CIRCUIT,
      retryDelayMs: 10,
    }),
    new L1ProverRegistry(rollup, s.ethers.provider),
  );
  const seq = node.sequencer;
  const relay = new L1QueueRelay({
    rollup: new Contract(rollup, ROLLUP_ABI, s.ethers.provider),
    sink: relaySink(node),
    fromBlock: s.d.file.deployedAtBlock,
    confirmations: 0,
    pollMs: 50,
    logger,
  });

  const keys: L2KeyPair[] = [await deriveL2Key(s.alice, domain), await deriveL2Key(s.bob, domain)];
  for (const [i, signer] of [s.alice, s.bob].entries()) {
    const amount = 100n * OPEN;
    await (await s.tokenAs(signer).getFunction("approve")(rollup, amount)).wait();
    const { x, y } = keys[i]!.publicKey;
    await (await s.rollupAs(signer).getFunction("deposit")(0, x, y, amount)).wait();
  }
  await relay.poll();
  const [alice, bob] = [seq.view.counters.accounts - 1, seq.view.counters.accounts];
  const nonces = new Map<number, number>();
  const send = async (tx: Unsigned, key: L2KeyPair): Promise<string> => {
    const nonce = nonces.get(tx.from) ?? 0;
    nonces.set(tx.from, nonce + 1);
    const signed = signTx({ ...tx, nonce, fee: 1000n } as L2Tx, key.privateKey, domain, params);
    return (await seq.submit(encodeTx(signed))).txHash;
  };
  const [aliceKey, bobKey] = keys as [L2KeyPair, L2KeyPair];
  const aliceAddress = await s.alice.getAddress();

  const transfer = await send({ type: TxType.Transfer, from: alice, to: bob, amount: 5n * OPEN }, aliceKey);
  await seq.seal();
  const stake = await send({ type: TxType.Stake, from: alice, amount: 20n * OPEN }, aliceKey);
  const datanet = await send(
    {
      type: TxType.CreateDatanet,
      from: alice,
      metadataHash: 66n,
      licensePolicy: 1 << 1,
      curationMode: CurationMode.Open,
      curators: [],
      minStake: 0n,
    },
    aliceKey,
  );
  const contribution = await send(
    {
      type: TxType.RegisterContribution,
      from: alice,
      datanet: 1,
      contentRoot: 77n,
      rowCount: 120,
      license: 1,
      uriCommitment: 88n,
      stake: 2n * OPEN,
    },
    aliceKey,
  );
  const model = await send(
    {
      type: TxType.RegisterModel,
      from: alice,
      modelHash: 5n,
      trainingConfigHash: 6n,
      contributions: [1],
      checkpointCommitment: 7n,
      inferenceFee: OPEN / 10n,
      baseModel: 0,
    },
    aliceKey,
  );
  const inference = await send(
    {
      type: TxType.Inference,
      from: bob,
      model: 1,
      inputHash: 11n,
      outputHash: 12n,
      featureCommitment: 13n,
      payment: OPEN / 10n,
    },
    bobKey,
  );
  const withdraw = await send(
    { type: TxType.Withdraw, from: alice, amount: 3n * OPEN, recipient: aliceAddress },
    aliceKey,
  );
  await seq.seal();
  await waitFor(async () => (await s.d.rollup.getFunction("head")()).lastCommitted >= 2n);
  const proof = await proveStub(
    s.circuit,
    await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
  );
  await (await s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof)).wait();
  const refund = await send({ type: TxType.Transfer, from: bob, to: alice, amount: OPEN }, bobKey);
  await seq.seal();
  await waitFor(async () => (await s.d.rollup.getFunction("head")()).lastCommitted >= 3n);
  // Proven ahead of batch 2: proven, not final.
  const proof3 = await proveStub(
    s.circuit,
    await s.d.rollup.getFunction("proofInputOf")(3n, await s.prover.getAddress()),
  );
  await (await s.rollupAs(s.prover).getFunction("proveBatch")(3n, 1, proof3)).wait();

  const explorer = await startExplorer({
    rpcUrl: `${node.url}/rpc`,
    l1: s.ethers.provider,
    rollup,
    fromBlock: s.d.file.deployedAtBlock,
    l1CacheMs: 0,
    port: 0,
  });
  return {
    s,
    node,
    explorer,
    alice,
    bob,
    aliceAddress,
    txs: { transfer, stake, datanet, contribution, model, inference, withdraw, refund },
    send: (tx, as) => send(tx, as === "alice" ? aliceKey : bobKey),
    /**
     * Opens the prover's and the treasury's accounts by deposits; Bob registers contribution 2,
     * Alice model 2 on contributions [1, 2], a fine-tune of model 1, and Bob pays for three
     * inferences of it. Once their batch is sealed (it closes its epoch), the prover node's
     * account settles model 2's first two (Alice's contribution scored 3:1 over Bob's, then
     * Bob's alone) and model 1's one; the first settlement is proven on L1, the stub circuit
     * standing in for the reward circuit. The third inference of model 2 stays unsettled.
     */
    async settleEpoch() {
      const opened: number[] = [];
      for (const signer of [s.prover, s.sequencer]) {
        const key = await deriveL2Key(signer, domain);
        await (await s.tokenAs(signer).getFunction("approve")(rollup, OPEN)).wait();
        await (
          await s.rollupAs(signer).getFunction("deposit")(0, key.publicKey.x, key.publicKey.y, OPEN)
        ).wait();
        await relay.poll();
        opened.push(seq.view.counters.accounts);
      }
      if (opened.join() !== `${PROVER_ACCOUNT},${TREASURY_ACCOUNT}`) {
        throw new Error(
          `the prover and treasury accounts opened as ${opened}, the node was configured for 3 and 4`,
        );
      }
      await send(
        {
          type: TxType.RegisterContribution,
          from: bob,
          datanet: 1,
          contentRoot: 78n,
          rowCount: 80,
          license: 1,
          uriCommitment: 89n,
          stake: 2n * OPEN,
        },
        bobKey,
      );
      await send(
        {
          type: TxType.RegisterModel,
          from: alice,
          modelHash: 8n,
          trainingConfigHash: 9n,
          contributions: [1, 2],
          checkpointCommitment: 10n,
          inferenceFee: OPEN / 4n,
          baseModel: 1,
        },
        aliceKey,
      );
      for (const payment of [OPEN, OPEN / 2n, OPEN / 4n]) {
        await send(
          {
            type: TxType.Inference,
            from: bob,
            model: 2,
            inputHash: 21n,
            outputHash: 22n,
            featureCommitment: 23n,
            payment,
          },
          bobKey,
        );
      }
      const end = (await seq.seal())!.number;
      const epoch = end - 1;
      const proverKey = await deriveL2Key(s.prover, domain);
      const settle = async (data: SettlementData) =>
        (await seq.submitSettlement(signSettlement(data, proverKey.privateKey, domain))).entry;
      const first = await settle({
        epoch,
        model: 2,
        inferences: [2, 3],
        scores: [
          [3n * SCORE_ONE, SCORE_ONE],
          [0n, 2n * SCORE_ONE],
        ],
        proverAccount: PROVER_ACCOUNT,
      });
      const second = await settle({
        epoch,
        model: 1,
        inferences: [1],
        scores: [[SCORE_ONE]],
        proverAccount: PROVER_ACCOUNT,
      });
      await seq.drain();
      await waitFor(async () => (await s.d.rollup.getFunction("head")()).lastCommitted >= BigInt(second));
      const committed = (await seq.view.settlement(first))!;
      const input = (await committedSettlement(s.d.rollup, first, committed.queueEnd))!.publicInput;
      const proof = await proveStub(s.circuit, input);
      await (await s.rollupAs(s.prover).getFunction("proveSettlement")(first, REWARD_CIRCUIT, proof)).wait();
      return {
        epoch,
        prover: PROVER_ACCOUNT,
        treasury: TREASURY_ACCOUNT,
        settlements: [first, second],
        unsettled: 4,
      };
    },
    async stop() {
      await explorer.stop();
      await node.stop();
      await terminateSnarkjsCurve();
    },
  };
}

/**
 * Waits for `condition`. The default is generous: a batch commit computes its blob on a worker
 * thread, which takes seconds when the whole suite shares two cores.
 */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
