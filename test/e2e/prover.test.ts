/**
 * End to end, with the devnet's batch circuit (DEV_BATCH_CIRCUIT): deposits on L1 and every
 * L2 transaction type sent to the sequencer's JSON-RPC (transfer, stake, register contribution,
 * withdraw, register model, inference), batches sealed and committed on an EDR chain by the
 * sequencer's L1 poster, proved by two prover nodes that split the batches, finalized on L1
 * with the real batch circuit's verifier; the finalized root is the sequencer's and the
 * withdrawal is claimed on L1. A proof of another batch, or a tampered one, is refused on
 * chain. A node fed a batch that does not reach L1's root stops there and resumes once fed
 * the real one.
 */
import type { Contract } from "ethers";
import { pino } from "pino";
import { waitCommitted } from "./settling-chain.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { toSolidityProof } from "../../circuits/runtime/groth16-proof.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { committedBatch } from "../../contracts/client/batch-roots.ts";
import { proofWords } from "../../contracts/client/proof-calldata.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import { deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { RollupState } from "../../protocol/state/state.ts";
import { CurationMode, type L2Tx, TxType } from "../../protocol/tx/types.ts";
import { claimWithdrawals } from "../../bridge/claims.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { type BatchWitness, buildBatchWitness } from "../../protocol/batch/witness.ts";
import { ProverNode, type StepResult } from "../../prover/node/node.ts";
import { type BatchSource, SequencerRpcSource } from "../../prover/node/source.ts";
import { DEV_DOMAIN, GENESIS_GOVERNANCE } from "../../protocol/genesis.ts";
import { L1BatchPoster } from "../../sequencer/l1/l1-poster.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { batchAt, rpc, signedHex, tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";
import { ProverErrorCode } from "../../prover/errors.ts";

const { name: CIRCUIT, circuitId: CIRCUIT_ID, shape: SHAPE } = DEV_BATCH_CIRCUIT;

let circuit: CircuitArtifacts;
let s: System;
let seq: SequencerNode;
const backends: SnarkjsBackend[] = [];

// On a clean build/ the circuit (2^17) compiles in about five minutes and its dev keys take
// about four on two loaded cores: a longer hook timeout.
beforeAll(async () => {
  // The batch circuit first: its build writes the verifier contract that hardhat compiles.
  circuit = await buildCircuit(CIRCUIT, { log: () => {} });
  s = await deploySystem(await prepareArtifacts(), (c) => ({
    ...c,
    batchVerifier: { contract: circuit.verifierContract, circuitId: CIRCUIT_ID },
  }));
  seq = await startNode(
    testNodeConfig(tempDir("e2e-prover"), {
      domain: DEV_DOMAIN,
      governance: GENESIS_GOVERNANCE,
      batchMaxTxs: SHAPE.slots,
      batchWithdrawals: SHAPE.withdrawals,
      batchRegistrySlots: SHAPE.registrySlots,
      feeRecipient: 1,
    }),
    pino({ level: "warn" }),
    new L1BatchPoster({
      rollup: String(s.d.rollup.target),
      signer: s.sequencer,
      batchCircuitId: CIRCUIT_ID,
      retryDelayMs: 50,
    }),
  );
}, 1_800_000);

afterAll(async () => {
  await seq?.stop();
  for (const b of backends) await b.close();
  await terminateSnarkjsCurve();
});

function proverNode(
  index: number,
  of: number,
  rollup: Contract,
  source: BatchSource = new SequencerRpcSource(`${seq.url}/rpc`),
): ProverNode {
  const backend = new SnarkjsBackend();
  backends.push(backend);
  return new ProverNode({
    genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GENESIS_GOVERNANCE },
    source,
    rollup,
    backend,
    circuit: { wasm: circuit.wasm, zkey: circuit.zkey, circuitId: CIRCUIT_ID, shape: SHAPE },
    assignment: { index, of, takeoverSeconds: 3600 },
  });
}

/** A deposit on L1 by alice, relayed to the sequencer as the bridge does. */
async function deposit(queueIndex: number, key: number, amount: bigint): Promise<void> {
  const pub = derivePublicKey(testKey(key));
  await (await s.tokenAs(s.alice).getFunction("approve")(s.d.rollup.target, amount)).wait();
  await (await s.rollupAs(s.alice).getFunction("deposit")(0, pub.x, pub.y, amount)).wait();
  const reply = await rpc(seq.url, "ol_submitDeposit", [
    {
      queueIndex: String(queueIndex),
      l1Sender: await s.alice.getAddress(),
      to: 0,
      publicKey: { x: fieldToHex(pub.x), y: fieldToHex(pub.y) },
      amount: amount.toString(),
    },
  ]);
  expect(reply.error).toBeUndefined();
}

/** Sends a signed L2 transaction; it must be accepted. */
async function send(tx: L2Tx, key: number): Promise<void> {
  const reply = await rpc(seq.url, "ol_sendTransaction", [signedHex(tx, key)]);
  expect(reply.error).toBeUndefined();
}

describe("end to end: sequencer, L1, two prover nodes", () => {
  // Five Groth16 proofs of a 2^17 circuit on two shared cores: minutes, not the default 2.
  it(
    "finalizes every batch on L1 with the sequencer's root, the provers splitting the batches",
    { timeout: 900_000 },
    async () => {
      // Two slots, one withdrawal entry and one registry slot per batch: five batches.
      const OPEN = 10n ** 18n;
      await deposit(0, 1, 100n * OPEN);
      await deposit(1, 2, 100n * OPEN);
      // Batch 2: account 2 creates Datanet 1 (open, CC0), and account 1 stakes to register a model.
      await send(
        {
          type: TxType.CreateDatanet,
          from: 2,
          nonce: 0,
          fee: 3n,
          metadataHash: 41n,
          licensePolicy: 1 << 1,
          curationMode: CurationMode.Open,
          curators: [],
          minStake: 0n,
        },
        2,
      );
      await send({ type: TxType.Stake, from: 1, nonce: 0, fee: 3n, amount: 20n * OPEN }, 1);
      // Batch 3: a contribution (the registry slot) and a withdrawal to bob on L1.
      await send(
        {
          type: TxType.RegisterContribution,
          from: 1,
          nonce: 1,
          fee: 3n,
          datanet: 1,
          contentRoot: 11n,
          rowCount: 100,
          license: 1,
          uriCommitment: 12n,
          stake: OPEN,
        },
        1,
      );
      const bob = await s.bob.getAddress();
      await send({ type: TxType.Withdraw, from: 2, nonce: 1, fee: 3n, amount: 5n * OPEN, recipient: bob }, 2);
      // Batch 4: a model trained on contribution 1, and a transfer back.
      await send(
        {
          type: TxType.RegisterModel,
          from: 1,
          nonce: 2,
          fee: 3n,
          modelHash: 21n,
          trainingConfigHash: 22n,
          contributions: [1],
          checkpointCommitment: 23n,
          inferenceFee: 500n,
          baseModel: 0,
        },
        1,
      );
      await send({ type: TxType.Transfer, from: 2, nonce: 2, fee: 3n, to: 1, amount: 10n }, 2);
      // Batch 5: an inference paying model 1, sealed alone.
      await send(
        {
          type: TxType.Inference,
          from: 2,
          nonce: 3,
          fee: 3n,
          model: 1,
          inputHash: 31n,
          outputHash: 32n,
          featureCommitment: 33n,
          payment: 500n,
        },
        2,
      );
      await seq.sequencer.seal();
      await waitCommitted(s.d.rollup, 5n);

      const provers = [proverNode(0, 2, s.rollupAs(s.prover)), proverNode(1, 2, s.rollupAs(s.deployer))];
      // Both accounts must be bonded provers: the deployer bonds here.
      const bond = s.config.l1.minProverBond;
      await (await s.tokenAs(s.deployer).getFunction("approve")(s.d.rollup.target, bond)).wait();
      await (await s.rollupAs(s.deployer).getFunction("bond")(bond, true)).wait();

      const provedBy: Record<number, number> = {};
      for (let round = 0; round < 20; round++) {
        if ((await s.d.rollup.getFunction("lastFinalizedBatch")()) === 5n) break;
        // The two nodes prove in parallel, as two machines would.
        const results: StepResult[] = await Promise.all(provers.map((p) => p.step()));
        results.forEach((r, i) => {
          if (r.kind === "proved") {
            expect(provedBy[r.batch]).toBeUndefined();
            provedBy[r.batch] = i;
          }
        });
      }
      expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(5n);
      expect(provedBy).toEqual({ 1: 1, 2: 0, 3: 1, 4: 0, 5: 1 });
      expect((await committedBatch(s.d.rollup, 5n))?.roots.postStateRoot).toBe(
        (await seq.sequencer.view.roots()).stateRoot,
      );
      expect(seq.sequencer.view.model(1)?.inferenceFee).toBe(500n);

      // Bob claims the withdrawal of batch 3 on L1.
      const b3 = await batchAt(seq.sequencer.view, 3);
      expect(b3.withdrawals).toEqual([{ recipient: bob, amount: 5n * OPEN }]);
      const before = await s.d.token.getFunction("balanceOf")(bob);
      await claimWithdrawals(String(s.d.rollup.target), s.bob, 3, b3.withdrawals, { recipient: bob });
      expect((await s.d.token.getFunction("balanceOf")(bob)) - before).toBe(5n * OPEN);
    },
  );

  it(
    "refuses a tampered proof and another batch's proof; a restarted node resumes at the oldest unproven batch",
    { timeout: 900_000 },
    async () => {
      // Batches 6 and 7: two transfers each.
      for (const nonce of [4, 5, 6, 7])
        await send({ type: TxType.Transfer, from: 2, nonce, fee: 1n, to: 1, amount: 7n }, 2);
      await waitCommitted(s.d.rollup, 7n);

      // Batch 6's witness, replayed through the shared state transition as a node builds it.
      const source = new SequencerRpcSource(`${seq.url}/rpc`);
      const state = new RollupState(
        { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GENESIS_GOVERNANCE },
        { witness: true },
      );
      let witness: BatchWitness | undefined;
      for (let n = 1; n <= 6; n++) {
        const b = (await source.batch(n))!;
        if (b.kind !== "batch") throw new Error(`entry ${n} is not a batch`);
        const { blobVersionedHash } = (await committedBatch(s.d.rollup, n))!;
        witness = buildBatchWitness(state, b.txs, b.feeRecipient, SHAPE, {
          prover: await s.prover.getAddress(),
          versionedHash: blobVersionedHash,
        });
      }
      expect(witness!.commitment).toBe(await s.d.rollup.getFunction("commitmentOf")(6));
      expect(witness!.publicInput).toBe(
        await s.d.rollup.getFunction("proofInputOf")(6, await s.prover.getAddress()),
      );
      const backend = new SnarkjsBackend();
      backends.push(backend);
      const r = await backend.prove({ wasm: circuit.wasm, zkey: circuit.zkey, input: witness!.input });
      const words = proofWords(toSolidityProof(r.proof, r.publicSignals));
      const proveBatch = (n: number, proof: bigint[]) =>
        s.rollupAs(s.prover).getFunction("proveBatch")(n, CIRCUIT_ID, proof);
      // pi_a and pi_c swapped: points on the curve, but not a proof.
      const tampered = [words[6]!, words[7]!, ...words.slice(2, 6), words[0]!, words[1]!];
      await expect(proveBatch(6, tampered)).rejects.toThrow(/InvalidProof/);
      // Batch 6's proof does not prove batch 7, whose roots and data differ.
      await expect(proveBatch(7, words)).rejects.toThrow(/InvalidProof/);
      // Nor is it worth anything to another bonded prover that copies it.
      await expect(s.rollupAs(s.deployer).getFunction("proveBatch")(6, CIRCUIT_ID, words)).rejects.toThrow(
        /InvalidProof/,
      );

      // A node started now replays from genesis and proves 6, then 7.
      const restarted = proverNode(0, 1, s.rollupAs(s.prover));
      expect(await restarted.step()).toMatchObject({ kind: "proved", batch: 6 });
      expect(await restarted.step()).toMatchObject({ kind: "proved", batch: 7 });
      expect(await restarted.step()).toEqual({ kind: "idle" });
      expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(7n);
      expect((await committedBatch(s.d.rollup, 7n))?.roots.postStateRoot).toBe(
        (await seq.sequencer.view.roots()).stateRoot,
      );
    },
  );

  it("stops at a batch whose replay misses L1's root, naming both roots, and resumes there once fed the real batch", async () => {
    const honest = new SequencerRpcSource(`${seq.url}/rpc`);
    let lie = true;
    // Batch 2's fees credited to account 2 instead of 1: another post-state root.
    const source: BatchSource = {
      batch: async (n) => {
        const b = await honest.batch(n);
        return lie && n === 2 && b ? { ...b, feeRecipient: 2 } : b;
      },
    };
    const node = proverNode(0, 1, s.rollupAs(s.prover), source);
    const l1Root = fieldToHex((await committedBatch(s.d.rollup, 2n))!.roots.postStateRoot);
    const mismatch = {
      code: ProverErrorCode.RootMismatch,
      message: expect.stringMatching(
        new RegExp(`^batch 2: .* state root 0x[0-9a-f]{64}, L1 committed ${l1Root}`),
      ),
      details: { batch: 2, l1Root },
    };
    await expect(node.step()).rejects.toMatchObject(mismatch);
    // Again the same error: the node did not keep batch 2's wrong effects.
    await expect(node.step()).rejects.toMatchObject(mismatch);
    lie = false;
    expect(await node.step()).toEqual({ kind: "idle" });
    expect(node.replayedBatches).toBe(7);
  });
});
