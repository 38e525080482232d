import { ContractFactory, hexlify, type Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { proveGroth16, toSolidityProof } from "../../circuits/runtime/groth16-proof.ts";
import { proofWords } from "../client/proof-calldata.ts";
import { loadArtifact } from "../deploy/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { encodeSettlementData } from "../../protocol/rewards/encoding.ts";
import { rewardFixture } from "../../protocol/rewards/testing.ts";
import { buildSettlementWitness, type SettlementWitness } from "../../protocol/rewards/witness.ts";
import { commitBatch, hex32, nextBatch, rootsArgOf, type TestBatch } from "./batch-helpers.ts";
import {
  advanceTime,
  asTimelock,
  deploySystem,
  enableSettlements,
  prepareArtifacts,
  proveStub,
  type System,
} from "./fixture.ts";

/** Circuit id under which the suites' stub verifier is registered for reward settlements. */
const REWARD_CIRCUIT = 2;

/** The contract's Settlement struct for a witness's settlement at `batchIndex`. */
function settlementStruct(w: SettlementWitness, batchIndex: bigint) {
  return {
    batchIndex,
    epoch: w.statement.epoch,
    model: w.statement.model,
    preStateRoot: hex32(w.statement.preRoot),
    postStateRoot: hex32(w.statement.postRoot),
    scoresCommitment: w.statement.scoresCommitment,
    proverAccount: w.statement.proverAccount,
  };
}

describe("Rollup: reward settlements in the batch chain (docs/protocol.md §11.5)", () => {
  let circuit: CircuitArtifacts;
  let s: System;
  let w: SettlementWitness;
  let epochEnd: TestBatch;

  const settlementArg = (batchIndex: bigint, over: Record<string, unknown> = {}) => ({
    ...settlementStruct(w, batchIndex),
    ...over,
  });
  const data = () => hexlify(encodeSettlementData(rewardFixture().settlement));
  const commitSettlement = async (
    arg: ReturnType<typeof settlementArg>,
    who: Signer = s.sequencer,
    circuitId = REWARD_CIRCUIT,
    end = epochEnd,
  ) =>
    (await s.rollupAs(who).getFunction("commitSettlement")(arg, circuitId, rootsArgOf(end), data())).wait();
  const proveSettlement = async (index: bigint, proof: bigint[], who: Signer = s.alice) =>
    (await s.rollupAs(who).getFunction("proveSettlement")(index, REWARD_CIRCUIT, proof)).wait();
  const committedInput = async (index: bigint): Promise<bigint> => {
    const logs = await s.d.rollup.queryFilter(s.d.rollup.filters.SettlementCommitted!(index));
    return (logs.at(-1) as unknown as { args: { publicInput: bigint } }).args.publicInput;
  };

  beforeAll(async () => {
    circuit = await prepareArtifacts();
    // Epochs of one entry: epoch 0 ends at batch 1.
    s = await deploySystem(circuit, (c) => ({ ...c, governance: { ...c.governance, epochLength: 1 } }));
    await enableSettlements(s, { circuitId: REWARD_CIRCUIT });
    const f = rewardFixture({ witness: true });
    w = buildSettlementWitness(f.state, f.settlement, f.end, { inferences: 2, contributions: 4 });
    epochEnd = await nextBatch(s.d.rollup, { postStateRoot: w.statement.epochEndRoot });
    await commitBatch(s.rollupAs(s.sequencer), epochEnd);
  });
  afterAll(terminateSnarkjsCurve);

  it("refuses a settlement while governance has named no treasury account", async () => {
    await expect(commitSettlement(settlementArg(2n))).rejects.toThrow(/NoTreasuryAccount/);
    const registry = await asTimelock(s, s.d.paramsRegistry);
    await (await registry.getFunction("setTreasuryAccount")(6)).wait();
    expect(await s.d.paramsRegistry.getFunction("treasuryAccount")()).toBe(6n);
  });

  it("refuses commits from anyone but the sequencer, off the chain's tip, or before the epoch ends", async () => {
    await expect(commitSettlement(settlementArg(2n), s.alice)).rejects.toThrow(/NotBondedSequencer/);
    await expect(commitSettlement(settlementArg(3n))).rejects.toThrow(/WrongBatchIndex/);
    await expect(commitSettlement(settlementArg(2n, { preStateRoot: hex32(1n) }))).rejects.toThrow(
      /WrongPreStateRoot/,
    );
    await expect(commitSettlement(settlementArg(2n, { epoch: 1 }))).rejects.toThrow(/EpochNotClosed/);
    const forged = { ...epochEnd, postStateRoot: epochEnd.postStateRoot + 1n };
    await expect(commitSettlement(settlementArg(2n), s.sequencer, REWARD_CIRCUIT, forged)).rejects.toThrow(
      /WrongBatchRoots/,
    );
    // The batch circuit is registered for batch proofs only.
    await expect(commitSettlement(settlementArg(2n), s.sequencer, 1)).rejects.toThrow(/UnknownCircuit/);
  });

  it("commits a settlement as the next entry within 300k gas, folding the public input the TypeScript twin computes", async () => {
    const receipt = await commitSettlement(settlementArg(2n));
    // 272,807 measured: three Poseidon hashes, three new slots and the data as calldata.
    expect(receipt!.gasUsed).toBeLessThan(300_000n);
    expect(await committedInput(2n)).toBe(w.publicInput);
    const head = await s.d.rollup.getFunction("head")();
    expect(head.lastCommitted).toBe(2n);
    expect(BigInt(await s.d.rollup.getFunction("committedStateRoot")())).toBe(w.statement.postRoot);
    // Not a batch: no batch commitment to prove.
    expect(await s.d.rollup.getFunction("commitmentOf")(2n)).toBe(0n);
  });

  it("takes a proof of exactly that input from anyone, within 230k gas, not through proveBatch, and only once", async () => {
    const wrong = await proveStub(circuit, w.publicInput + 1n);
    await expect(proveSettlement(2n, wrong)).rejects.toThrow(/InvalidProof/);
    const good = await proveStub(circuit, w.publicInput);
    await expect(s.rollupAs(s.prover).getFunction("proveBatch")(2n, REWARD_CIRCUIT, good)).rejects.toThrow(
      /BatchNotProvable/,
    );
    await expect(
      s.rollupAs(s.alice).getFunction("proveSettlement")(1n, REWARD_CIRCUIT, good),
    ).rejects.toThrow(/BatchNotProvable/);
    const receipt = await proveSettlement(2n, good);
    // 227,165 measured: within proveBatch's budget.
    expect(receipt!.gasUsed).toBeLessThan(230_000n);
    await expect(proveSettlement(2n, good)).rejects.toThrow(/BatchNotProvable/);
  });

  it("becomes final with the batches before it, and earns no L1 prover reward", async () => {
    const input = await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress());
    await (
      await s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, await proveStub(circuit, input))
    ).wait();
    await (await s.d.rollup.getFunction("syncFinality")(10n)).wait();
    expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(2n);
    await expect(s.rollupAs(s.alice).getFunction("claimProverRewards")([2n])).rejects.toThrow(
      /NotRewardable/,
    );
  });

  it("is reverted with the entries after it when it is not proven in time", async () => {
    const next = await nextBatch(s.d.rollup, { postStateRoot: 77n });
    await commitBatch(s.rollupAs(s.sequencer), next);
    await commitSettlement(settlementArg(4n, { preStateRoot: hex32(77n), postStateRoot: hex32(78n) }));
    const input = await s.d.rollup.getFunction("proofInputOf")(3n, await s.prover.getAddress());
    await (
      await s.rollupAs(s.prover).getFunction("proveBatch")(3n, 1, await proveStub(circuit, input))
    ).wait();
    await advanceTime(s, BigInt(s.config.l1.proveTimeoutSeconds) + 1n);
    await (
      await s.rollupAs(s.alice).getFunction("revertBatches")({
        postStateRoot: hex32(77n),
        withdrawalsRoot: hex32(0n),
        queueEnd: 0n,
      })
    ).wait();
    const head = await s.d.rollup.getFunction("head")();
    expect(head.lastCommitted).toBe(3n);
    expect(BigInt(await s.d.rollup.getFunction("committedStateRoot")())).toBe(77n);
  });
});

describe("Rollup: a reward settlement proven with the real reward circuit (reward_2x4)", () => {
  const REAL_REWARD_CIRCUIT = 3;
  let s: System;
  let reward: CircuitArtifacts;
  let w: SettlementWitness;

  beforeAll(async () => {
    // Its generated verifier must exist before the contracts compile.
    reward = await buildCircuit("reward_2x4", { log: () => {} });
    s = await deploySystem(await prepareArtifacts(), (c) => ({
      ...c,
      governance: { ...c.governance, epochLength: 1 },
    }));
    const artifact = await loadArtifact(reward.verifierContract);
    const verifier = await new ContractFactory(artifact.abi, artifact.bytecode, s.deployer).deploy();
    await verifier.waitForDeployment();
    await enableSettlements(s, {
      circuitId: REAL_REWARD_CIRCUIT,
      treasuryAccount: 6,
      verifier: String(verifier.target),
    });
    const f = rewardFixture({ witness: true });
    w = buildSettlementWitness(f.state, f.settlement, f.end, { inferences: 2, contributions: 4 });
    const end = await nextBatch(s.d.rollup, { postStateRoot: w.statement.epochEndRoot });
    await commitBatch(s.rollupAs(s.sequencer), end);
    const arg = settlementStruct(w, 2n);
    await (
      await s.rollupAs(s.sequencer).getFunction("commitSettlement")(
        arg,
        REAL_REWARD_CIRCUIT,
        rootsArgOf(end),
        "0x",
      )
    ).wait();
  });
  afterAll(terminateSnarkjsCurve);

  const realProof = async (input: typeof w.input) => {
    const { proof, publicSignals } = await proveGroth16(reward, input);
    return proofWords(toSolidityProof(proof, publicSignals));
  };

  it("refuses a real proof of another settlement (a changed score), then takes the right one", async () => {
    const f = rewardFixture({ witness: true });
    const changed = {
      ...f.settlement,
      scores: [
        [5n, 1n, 3n],
        [0n, 0n, 0n],
      ],
    };
    const other = buildSettlementWitness(f.state, changed, f.end, { inferences: 2, contributions: 4 });
    const rollup = s.rollupAs(s.alice);
    await expect(
      rollup.getFunction("proveSettlement")(2n, REAL_REWARD_CIRCUIT, await realProof(other.input)),
    ).rejects.toThrow(/InvalidProof/);
    await (
      await rollup.getFunction("proveSettlement")(2n, REAL_REWARD_CIRCUIT, await realProof(w.input))
    ).wait();
    // Proven: PROVEN | REWARD_PAID | the prover's address.
    const { proofSlot } = await s.d.rollup.getFunction("batch")(2n);
    expect(proofSlot >> 254n).toBe(3n);
    expect(proofSlot & ((1n << 160n) - 1n)).toBe(BigInt(await s.alice.getAddress()));
  });
});
