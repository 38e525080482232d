import { type Contract, concat, hexlify } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { FIELD_MODULUS } from "../../protocol/field.ts";
import { registriesHash } from "../../protocol/state/leaves.ts";
import { RollupState } from "../../protocol/state/state.ts";
import {
  blobFields,
  COMMIT_BATCH_GAS_LIMIT,
  commitBatchArgs,
  sendCommitBatch,
} from "../client/commit-batch.ts";
import { OPEN } from "../deploy/config.ts";
import {
  blobOf,
  commitBatch,
  expectedCommitment,
  nextBatch,
  rootsArgOf,
  type TestBatch,
} from "./batch-helpers.ts";
import {
  advanceTime,
  asTimelock,
  deploySystem,
  l1Params,
  prepareArtifacts,
  proveStub,
  type System,
} from "./fixture.ts";

/** Issue 19, items 5 and 6: the smaller findings, and scenarios no test covered. */
describe("Rollup: parameter ranges, prover demotion, circuit binding, rewards and commit checks", () => {
  let s: System;
  let rollup: Contract;
  let prover: string;
  const batches: TestBatch[] = [];

  const proofFor = async (i: bigint) =>
    proveStub(s.circuit, await rollup.getFunction("proofInputOf")(i, prover));
  const prove = (i: bigint, proof: bigint[], circuitId: number) =>
    s.rollupAs(s.prover).getFunction("proveBatch")(i, circuitId, proof);

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    prover = await s.prover.getAddress();
    // Circuit 3: the same stub verifier, for batches too (another layout, say); circuit 4: for
    // reward epochs.
    const r = await asTimelock(s, rollup);
    await (await r.getFunction("setVerifier")(3, s.d.batchVerifier.target, 1)).wait();
    await (await r.getFunction("setVerifier")(4, s.d.batchVerifier.target, 2)).wait();
  });
  afterAll(terminateSnarkjsCurve);

  it("keeps every L1 parameter within its range", async () => {
    const registry = await asTimelock(s, s.d.paramsRegistry);
    const set = registry.getFunction("setL1Params");
    const DAY = 86_400n;
    const cases: [Record<string, unknown>, string][] = [
      [{ queueDeadline: 365n * DAY }, "queueDeadline"],
      [{ queueDeadline: 60n }, "queueDeadline"],
      [{ proveTimeout: 60n }, "proveTimeout"],
      [{ proveTimeout: s.config.l1.queueDeadlineSeconds }, "proveTimeout"],
      [{ queueInterval: 2n * 3600n }, "queueInterval"],
      // The proof window and the spacing must both fit within the deadline.
      [
        { queueInterval: s.config.l1.queueDeadlineSeconds - s.config.l1.proveTimeoutSeconds + 1n },
        "queueInterval",
      ],
      [{ queueFee: 1_001n * OPEN }, "queueFee"],
      [{ minSequencerBond: 0n }, "minSequencerBond"],
      [{ minProverBond: 0n }, "minProverBond"],
      [{ minProverBond: 100_000_001n * OPEN }, "minProverBond"],
      [{ proverRewardPerBatch: 10_001n * OPEN }, "proverRewardPerBatch"],
    ];
    for (const [overrides, param] of cases) {
      await expect(set(l1Params(s, overrides))).rejects.toThrow(new RegExp(`OutOfRange\\("${param}"\\)`));
    }
    await (await set(l1Params(s, { queueDeadline: 30n * DAY, proveTimeout: 15n * DAY }))).wait();
    await (await set(l1Params(s))).wait();
  });

  it("lets anyone demote a prover whose bond fell below a raised minimum", async () => {
    const registry = await asTimelock(s, s.d.paramsRegistry);
    await expect(rollup.getFunction("demoteProver")(prover)).rejects.toThrow(/ProverBondSufficient/);
    const raised = 2n * s.config.l1.minProverBond;
    await (await registry.getFunction("setL1Params")(l1Params(s, { minProverBond: raised }))).wait();
    expect((await rollup.getFunction("operators")(prover)).prover).toBe(true);
    await (await s.rollupAs(s.bob).getFunction("demoteProver")(prover)).wait();
    expect((await rollup.getFunction("operators")(prover)).prover).toBe(false);
    // Topping the bond up restores it.
    const topUp = raised - s.config.l1.minProverBond;
    await (await s.tokenAs(s.prover).getFunction("approve")(rollup.target, topUp)).wait();
    await (await s.rollupAs(s.prover).getFunction("bond")(topUp, true)).wait();
    expect((await rollup.getFunction("operators")(prover)).prover).toBe(true);
    await (await registry.getFunction("setL1Params")(l1Params(s))).wait();
  });

  it("binds a batch to the circuit current at its commit: another batch circuit's proof fails", async () => {
    const b = await nextBatch(rollup, { postStateRoot: 11n });
    await (await commitBatch(s.rollupAs(s.sequencer), b)).wait();
    batches.push(b);
    expect((await rollup.getFunction("batch")(1n)).circuitId).toBe(1n);
    // A proof of the batch's own public input, checked by circuit 3's verifier, is refused.
    const proof = await proofFor(1n);
    await expect(prove(1n, proof, 3)).rejects.toThrow(/InvalidProof/);
    // A circuit registered for reward epochs never proves a batch.
    await expect(prove(1n, proof, 4)).rejects.toThrow(/UnknownCircuit/);
    await (await prove(1n, proof, 1)).wait();
  });

  it("lets the sequencer alone switch its batch circuit, to one registered for batches", async () => {
    const set = s.rollupAs(s.sequencer).getFunction("setBatchCircuit");
    await expect(set(4)).rejects.toThrow(/UnknownCircuit/);
    await expect(set(9)).rejects.toThrow(/UnknownCircuit/);
    await expect(s.rollupAs(s.alice).getFunction("setBatchCircuit")(3)).rejects.toThrow(/NotBondedSequencer/);
    await (await set(3)).wait();
    expect(await rollup.getFunction("batchCircuit")()).toBe(3n);
    const b = await nextBatch(rollup, { postStateRoot: 12n });
    await (await commitBatch(s.rollupAs(s.sequencer), b)).wait();
    batches.push(b);
    const stored = await rollup.getFunction("batch")(2n);
    expect([stored.circuitId, stored.committer]).toEqual([3n, s.config.sequencer]);
    // The views give the commitment itself, as TypeScript computes it.
    expect(await rollup.getFunction("commitmentOf")(2n)).toBe(await expectedCommitment(rollup, b, 0n));
    expect((await rollup.getFunction("batch")(1n)).circuitId).toBe(1n);
    const proof = await proofFor(2n);
    await expect(prove(2n, proof, 1)).rejects.toThrow(/InvalidProof/);
    await (await prove(2n, proof, 3)).wait();
  });

  it("pays no reward for an empty batch, and none twice for a batch listed twice", async () => {
    // No state change and no queue operation: nothing a prover should be paid for.
    const empty = await nextBatch(rollup, { postStateRoot: 12n });
    await (await commitBatch(s.rollupAs(s.sequencer), empty)).wait();
    await (await prove(3n, await proofFor(3n), 3)).wait();
    expect(await rollup.getFunction("lastFinalizedBatch")()).toBe(3n);
    const pool = 100n * OPEN;
    await (await s.tokenAs(s.deployer).getFunction("approve")(rollup.target, pool)).wait();
    await (await s.rollupAs(s.deployer).getFunction("fundRewardPool")(pool)).wait();
    const claim = s.rollupAs(s.prover).getFunction("claimProverRewards");
    await expect(claim([3n])).rejects.toThrow(/NotRewardable\(3\)/);
    await expect(claim([1n, 1n])).rejects.toThrow(/NotRewardable\(1\)/);
  });

  it("pays a prover that has unbonded since for the batches it proved", async () => {
    await (await s.rollupAs(s.prover).getFunction("requestUnbond")()).wait();
    const before = await s.d.token.getFunction("balanceOf")(prover);
    await (await s.rollupAs(s.prover).getFunction("claimProverRewards")([1n, 2n])).wait();
    expect((await s.d.token.getFunction("balanceOf")(prover)) - before).toBe(
      2n * s.config.l1.proverRewardPerBatch,
    );
  });

  it("refuses a commit whose z or post-state root is outside the field, or whose KZG bytes are not 96", async () => {
    const data = Uint8Array.from({ length: 40 }, (_, i) => i + 3);
    const b = await nextBatch(rollup, { postStateRoot: 13n, data });
    const blob = blobOf(b);
    const r = s.rollupAs(s.sequencer);
    await expect(sendCommitBatch(r, b, { ...blob, z: FIELD_MODULUS })).rejects.toThrow(/NotAFieldElement/);
    await expect(sendCommitBatch(r, { ...b, postStateRoot: FIELD_MODULUS }, blob)).rejects.toThrow(
      /NotAFieldElement/,
    );
    await expect(sendCommitBatch(r, { ...b, withdrawalsRoot: FIELD_MODULUS }, blob)).rejects.toThrow(
      /NotAFieldElement/,
    );
    const [commitment, opening] = commitBatchArgs(b, blob);
    for (const kzg of [
      concat([blob.commitment, blob.pointProof.slice(0, 47)]),
      concat([blob.commitment, blob.pointProof, "0x00"]),
    ]) {
      await expect(
        r.getFunction("commitBatch")(
          commitment,
          { ...opening, kzg: hexlify(kzg) },
          {
            gasLimit: COMMIT_BATCH_GAS_LIMIT,
            ...blobFields(blob, 10n ** 9n),
          },
        ),
      ).rejects.toThrow(/InvalidBlobOpening/);
    }
    await (await sendCommitBatch(r, b, blob)).wait();
  });
});

/** Issue 19, item 6: exits against the wrong root or with malformed proofs. */
describe("Rollup: exits refuse stale and unfinalized roots and malformed proofs", () => {
  let s: System;
  let rollup: Contract;
  let alice: string;
  const params = () => ({
    domain: { chainId: BigInt(s.d.file.chainId), rollup: String(rollup.target) },
    params: s.config.protocol,
    governance: s.config.governance,
  });
  /** States of account 1 at genesis+, batch 1 (final) and batch 2 (never proven). */
  const states: RollupState[] = [];
  let finalBatch: TestBatch;

  const exitArgs = (state: RollupState, account = 1) => {
    const a = state.accounts.get(1)!;
    return [
      account,
      {
        publicKeyX: a.publicKey.x,
        publicKeyY: a.publicKey.y,
        l1Address: BigInt(a.l1Address),
        packed: a.balance | (BigInt(a.nonce) << 96n) | (a.staked << 128n),
      },
      state.proof("accounts", 1).siblings.map((level) => [...level]),
      registriesHash(state.roots()),
    ] as const;
  };

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    alice = await s.alice.getAddress();
    for (const balance of [100n, 500n, 900n]) {
      const state = new RollupState(params());
      state.setAccount(1, { publicKey: BASE8, l1Address: alice, balance, nonce: 1, staked: 0n });
      states.push(state);
    }
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 2_000n)).wait();
    for (const amount of [500n, 400n]) {
      await (await s.rollupAs(s.alice).getFunction("deposit")(1, BASE8.x, BASE8.y, amount)).wait();
    }
    finalBatch = await nextBatch(rollup, { postStateRoot: states[1]!.root(), queueEnd: 1n });
    await (await commitBatch(s.rollupAs(s.sequencer), finalBatch)).wait();
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof)).wait();
    const unfinal = await nextBatch(rollup, { postStateRoot: states[2]!.root(), queueEnd: 2n });
    await (await commitBatch(s.rollupAs(s.sequencer), unfinal)).wait();
    await advanceTime(s, s.config.l1.queueDeadlineSeconds + 1n);
    await (await s.rollupAs(s.bob).getFunction("freeze")(rootsArgOf(finalBatch))).wait();
  });
  afterAll(terminateSnarkjsCurve);

  it("refuses the state of a batch committed but not final, and a stale one", async () => {
    const exit = rollup.getFunction("exit");
    await expect(exit(...exitArgs(states[2]!))).rejects.toThrow(/InvalidAccountProof/);
    await expect(exit(...exitArgs(states[0]!))).rejects.toThrow(/InvalidAccountProof/);
  });

  it("refuses a wrong sibling count, an index past 8^depth and a sibling outside the field", async () => {
    const exit = rollup.getFunction("exit");
    const [account, leaf, siblings, registries] = exitArgs(states[1]!);
    await expect(exit(account, leaf, siblings.slice(1), registries)).rejects.toThrow(/BadProofLength/);
    await expect(exit(account, leaf, [...siblings, siblings[0]!], registries)).rejects.toThrow(
      /BadProofLength/,
    );
    const past = 8 ** s.config.protocol.accounts.depth;
    await expect(exit(past, leaf, siblings, registries)).rejects.toThrow(/IndexOutOfRange/);
    const outside = siblings.map((level, i) => (i === 0 ? [FIELD_MODULUS, ...level.slice(1)] : level));
    await expect(exit(account, leaf, outside, registries)).rejects.toThrow(/NotAFieldElement/);
    // The right proof pays the state of the last final batch.
    const before = await s.d.token.getFunction("balanceOf")(alice);
    await (await exit(account, leaf, siblings, registries)).wait();
    expect((await s.d.token.getFunction("balanceOf")(alice)) - before).toBe(500n);
  });
});
