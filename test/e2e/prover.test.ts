/**
 * End to end: deposits on L1 and transfers sent to the sequencer's JSON-RPC, batches sealed
 * and committed on an EDR chain by the sequencer's L1 poster, proved by two prover nodes that
 * split the batches, finalized on L1 with the real batch circuit's verifier; the finalized root
 * is the sequencer's. A proof of another batch, or a tampered one, is refused on chain.
 */
import type { Contract } from "ethers";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { toSolidityProof } from "../../circuits/tools/groth16-proof.ts";
import { terminateSnarkjsCurve } from "../../circuits/tools/snarkjs-runtime.ts";
import { committedBatch } from "../../contracts/client/batch-roots.ts";
import { proofWords } from "../../contracts/client/proof-calldata.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import { deploySystem, prepareArtifacts, type System } from "../../contracts/test/fixture.ts";
import { derivePublicKey } from "../../protocol/eddsa.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { RollupState } from "../../protocol/state/state.ts";
import { TxType } from "../../protocol/tx/types.ts";
import { SnarkjsBackend } from "../../prover/node/backend.ts";
import { type BatchWitness, buildBatchWitness } from "../../protocol/batch/witness.ts";
import { ProverNode, type StepResult } from "../../prover/node/node.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { DEV_DOMAIN, GENESIS_GOVERNANCE } from "../../sequencer/config.ts";
import { L1BatchPoster } from "../../sequencer/l1-poster.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { rpc, signedHex, tempDir, testKey, testNodeConfig } from "../../sequencer/testing.ts";

const { name: CIRCUIT, circuitId: CIRCUIT_ID, shape: SHAPE } = DEV_BATCH_CIRCUIT;

let circuit: CircuitArtifacts;
let s: System;
let seq: SequencerNode;
const backends: SnarkjsBackend[] = [];

// On a clean build/ the 2^17 dev keys take several minutes on two cores: a longer hook timeout.
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
    new L1BatchPoster({ rollup: String(s.d.rollup.target), signer: s.sequencer, retryDelayMs: 50 }),
  );
}, 1_200_000);

afterAll(async () => {
  await seq?.stop();
  for (const b of backends) await b.close();
  await terminateSnarkjsCurve();
});

function proverNode(index: number, of: number, rollup: Contract): ProverNode {
  const backend = new SnarkjsBackend();
  backends.push(backend);
  return new ProverNode({
    genesis: { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GENESIS_GOVERNANCE },
    source: new SequencerRpcSource(`${seq.url}/rpc`),
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

async function waitCommitted(n: bigint): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if ((await s.d.rollup.getFunction("head")()).lastCommitted >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`batch ${n} was not committed`);
}

describe("end to end: sequencer, L1, two prover nodes", () => {
  // Six Groth16 proofs of a 2^17 circuit on two shared cores: minutes, not the default 2.
  it(
    "finalizes every batch on L1 with the sequencer's root, the provers splitting the batches",
    { timeout: 900_000 },
    async () => {
      // One transaction per batch (the circuit has one slot): four batches.
      await deposit(0, 1, 10n ** 6n);
      await deposit(1, 2, 10n ** 6n);
      for (const nonce of [0, 1]) {
        const tx = { type: TxType.Transfer, from: 1, nonce, fee: 3n, to: 2, amount: 1000n } as const;
        const reply = await rpc(seq.url, "ol_sendTransaction", [signedHex(tx, 1)]);
        expect(reply.error).toBeUndefined();
      }
      await waitCommitted(4n);

      const provers = [proverNode(0, 2, s.rollupAs(s.prover)), proverNode(1, 2, s.rollupAs(s.deployer))];
      // Both accounts must be bonded provers: the deployer bonds here.
      const bond = s.config.l1.minProverBond;
      await (await s.tokenAs(s.deployer).getFunction("approve")(s.d.rollup.target, bond)).wait();
      await (await s.rollupAs(s.deployer).getFunction("bond")(bond, true)).wait();

      const provedBy: Record<number, number> = {};
      for (let round = 0; round < 20; round++) {
        if ((await s.d.rollup.getFunction("lastFinalizedBatch")()) === 4n) break;
        // The two nodes prove in parallel, as two machines would.
        const results: StepResult[] = await Promise.all(provers.map((p) => p.step()));
        results.forEach((r, i) => {
          if (r.kind === "proved") {
            expect(provedBy[r.batch]).toBeUndefined();
            provedBy[r.batch] = i;
          }
        });
      }
      expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(4n);
      expect(provedBy).toEqual({ 1: 1, 2: 0, 3: 1, 4: 0 });
      expect((await committedBatch(s.d.rollup, 4n))?.roots.postStateRoot).toBe(seq.sequencer.state.root());
    },
  );

  it(
    "refuses a tampered proof and another batch's proof; a restarted node resumes at the oldest unproven batch",
    { timeout: 900_000 },
    async () => {
      for (const nonce of [0, 1]) {
        const tx = { type: TxType.Transfer, from: 2, nonce, fee: 1n, to: 1, amount: 7n } as const;
        expect((await rpc(seq.url, "ol_sendTransaction", [signedHex(tx, 2)])).error).toBeUndefined();
      }
      await waitCommitted(6n);

      // Batch 5's witness, replayed through the shared state transition as a node builds it.
      const source = new SequencerRpcSource(`${seq.url}/rpc`);
      const state = new RollupState(
        { domain: DEV_DOMAIN, params: TEST_PARAMS, governance: GENESIS_GOVERNANCE },
        { witness: true },
      );
      let witness: BatchWitness | undefined;
      for (let n = 1; n <= 5; n++) {
        const b = (await source.batch(n))!;
        witness = buildBatchWitness(state, b.txs, b.feeRecipient, SHAPE, await s.prover.getAddress());
      }
      expect(witness!.commitment).toBe(await s.d.rollup.getFunction("commitmentOf")(5));
      expect(witness!.publicInput).toBe(
        await s.d.rollup.getFunction("proofInputOf")(5, await s.prover.getAddress()),
      );
      const backend = new SnarkjsBackend();
      backends.push(backend);
      const r = await backend.prove({ wasm: circuit.wasm, zkey: circuit.zkey, input: witness!.input });
      const words = proofWords(toSolidityProof(r.proof, r.publicSignals));
      const proveBatch = (n: number, proof: bigint[]) =>
        s.rollupAs(s.prover).getFunction("proveBatch")(n, CIRCUIT_ID, proof);
      // pi_a and pi_c swapped: points on the curve, but not a proof.
      const tampered = [words[6]!, words[7]!, ...words.slice(2, 6), words[0]!, words[1]!];
      await expect(proveBatch(5, tampered)).rejects.toThrow(/InvalidProof/);
      // Batch 5's proof does not prove batch 6, whose roots and data differ.
      await expect(proveBatch(6, words)).rejects.toThrow(/InvalidProof/);
      // Nor is it worth anything to another bonded prover that copies it.
      await expect(
        s.rollupAs(s.deployer).getFunction("proveBatch")(5, CIRCUIT_ID, words),
      ).rejects.toThrow(/InvalidProof/);

      // A node started now replays from genesis and proves 5, then 6.
      const restarted = proverNode(0, 1, s.rollupAs(s.prover));
      expect(await restarted.step()).toMatchObject({ kind: "proved", batch: 5 });
      expect(await restarted.step()).toMatchObject({ kind: "proved", batch: 6 });
      expect(await restarted.step()).toEqual({ kind: "idle" });
      expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(6n);
      expect((await committedBatch(s.d.rollup, 6n))?.roots.postStateRoot).toBe(seq.sequencer.state.root());
    },
  );
});
