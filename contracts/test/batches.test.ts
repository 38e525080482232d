import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { DEV_DOMAIN } from "../../protocol/genesis.ts";
import { batchRootsHash, genesisRoots, rootsArg } from "../client/batch-roots.ts";
import { hexlify } from "ethers";
import {
  blobFields,
  COMMIT_BATCH_GAS_LIMIT,
  commitBatchArgs,
  sendCommitBatch,
} from "../client/commit-batch.ts";
import {
  blobOf,
  commitBatch,
  hex32,
  expectedCommitment,
  nextBatch,
  rootsArgOf,
  rootsOf,
  type TestBatch,
} from "./batch-helpers.ts";
import { proofPublicInput } from "../../protocol/batch/layout.ts";
import { bondOperator } from "../deploy/bootstrap.ts";
import { deploySystem, prepareArtifacts, proveStub, type System } from "./fixture.ts";

describe("Rollup: commitBatch and proveBatch with real Groth16 proofs", () => {
  let circuit: CircuitArtifacts;
  let s: System;

  beforeAll(async () => {
    circuit = await prepareArtifacts();
    s = await deploySystem(circuit);
  });
  afterAll(terminateSnarkjsCurve);

  const commit = async (b: TestBatch, who = s.sequencer) => (await commitBatch(s.rollupAs(who), b)).wait();
  const prove = async (index: bigint, proof: bigint[], who = s.prover, circuitId = 1) =>
    (await s.rollupAs(who).getFunction("proveBatch")(index, circuitId, proof)).wait();

  it("is the first contract of a fresh chain, where the devnet defaults (DEV_DOMAIN) expect it", () => {
    expect(s.d.file.contracts.rollup).toBe(DEV_DOMAIN.rollup);
  });

  it("starts at genesis: batch 0 final with the genesis state root", async () => {
    const head = await s.d.rollup.getFunction("head")();
    expect([head.lastCommitted, head.lastFinalized, head.frozen]).toEqual([0n, 0n, false]);
    expect(await s.d.rollup.getFunction("committedStateRoot")()).toBe(s.d.file.genesisStateRoot);
    const genesis = genesisRoots(BigInt(s.d.file.genesisStateRoot));
    const stored = await s.d.rollup.getFunction("batch")(0n);
    expect([stored.rootsHash, stored.committedAt]).toEqual([batchRootsHash(genesis), 0n]);
    // Exits read the root a freeze records; there is none yet.
    expect(BigInt(await s.d.rollup.getFunction("finalizedStateRoot")())).toBe(0n);
  });

  it("refuses commits from anyone but the bonded sequencer", async () => {
    const b = await nextBatch(s.d.rollup, { postStateRoot: 11n });
    await expect(commit(b, s.alice)).rejects.toThrow(/NotBondedSequencer/);
  });

  it("refuses a wrong pre-state root, a wrong batch index and a queue end past the queue", async () => {
    const b = await nextBatch(s.d.rollup, { postStateRoot: 11n });
    await expect(commit({ ...b, preStateRoot: b.preStateRoot + 1n })).rejects.toThrow(/WrongPreStateRoot/);
    await expect(commit({ ...b, batchIndex: 2n })).rejects.toThrow(/WrongBatchIndex/);
    await expect(commit({ ...b, queueEnd: 1n })).rejects.toThrow(/BadQueueEnd/);
  });

  it("refuses a commit without a blob, or with an opening its blob does not satisfy", async () => {
    // Three elements: a constant polynomial (one element) would open to the same y anywhere.
    const data = Uint8Array.from({ length: 80 }, (_, i) => i + 1);
    const b = await nextBatch(s.d.rollup, { postStateRoot: 11n, data });
    const blob = blobOf(b);
    const rollup = s.rollupAs(s.sequencer);
    const method = rollup.getFunction("commitBatch");
    const gasLimit = COMMIT_BATCH_GAS_LIMIT;
    await expect(method(...commitBatchArgs(b, blob), { gasLimit })).rejects.toThrow(/NoBlob/);
    // The precompile refuses a wrong value, a point it was not opened at, and another blob's opening.
    await expect(sendCommitBatch(rollup, b, { ...blob, y: blob.y + 1n })).rejects.toThrow(
      /InvalidBlobOpening/,
    );
    await expect(sendCommitBatch(rollup, b, { ...blob, z: blob.z + 1n })).rejects.toThrow(
      /InvalidBlobOpening/,
    );
    const other = blobOf({ ...b, data: new Uint8Array([9, 9, 9]) });
    await expect(
      sendCommitBatch(rollup, b, { ...blob, y: other.y, z: other.z, pointProof: other.pointProof }),
    ).rejects.toThrow(/InvalidBlobOpening/);
    // An opening of another blob, attached with its own commitment, does not open this blob.
    await expect(
      method(
        ...commitBatchArgs(b, {
          ...other,
          blob: blob.blob,
          blobProof: blob.blobProof,
          versionedHash: blob.versionedHash,
        }),
        { gasLimit, ...blobFields(blob, 10n ** 9n) },
      ),
    ).rejects.toThrow(/InvalidBlobOpening/);
    expect((await s.d.rollup.getFunction("head")()).lastCommitted).toBe(0n);
  });

  it("commits a batch: stores the hash of its roots and the folded public input, computed as in TypeScript", async () => {
    const b = await nextBatch(s.d.rollup, { postStateRoot: 11n, withdrawalsRoot: 5n });
    await commit(b);
    const stored = await s.d.rollup.getFunction("batch")(1n);
    expect(stored.rootsHash).toBe(batchRootsHash(rootsOf(b)));
    const isBatchRoots = s.d.rollup.getFunction("isBatchRoots");
    expect(await isBatchRoots(1n, rootsArgOf(b))).toBe(true);
    expect(await isBatchRoots(1n, rootsArg({ ...rootsOf(b), withdrawalsRoot: 6n }))).toBe(false);
    expect(await s.d.rollup.getFunction("committedStateRoot")()).toBe(hex32(11n));
    // The event carries the roots themselves, for claims and freeze.
    const [event] = await s.d.rollup.queryFilter(s.d.rollup.filters.BatchCommitted!(1n));
    expect(event && "args" in event ? [event.args.postStateRoot, event.args.withdrawalsRoot] : []).toEqual([
      hex32(11n),
      hex32(5n),
    ]);
    // And the blob's versioned hash, which the prover needs for its witness.
    expect(event && "args" in event ? event.args.blobVersionedHash : "").toBe(
      hexlify(blobOf(b).versionedHash),
    );
    const expected = await expectedCommitment(s.d.rollup, b, 0n);
    expect(await s.d.rollup.getFunction("commitmentOf")(1n)).toBe(expected);
    // A proof's public input binds the commitment to the address that submits it.
    const prover = await s.prover.getAddress();
    expect(await s.d.rollup.getFunction("proofInputOf")(1n, prover)).toBe(proofPublicInput(expected, prover));
    expect((await s.d.rollup.getFunction("head")()).lastCommitted).toBe(1n);
    // A retried post of the same batch fails instead of posting twice.
    await expect(commit(b)).rejects.toThrow(/WrongBatchIndex/);
  });

  it("refuses a proof from a prover without bond", async () => {
    const proof = await proveStub(
      circuit,
      await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await expect(prove(1n, proof, s.alice)).rejects.toThrow(/NotBondedProver/);
  });

  it("refuses a proof of a tampered public input and a malformed proof", async () => {
    const input = await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress());
    const tampered = await proveStub(circuit, input + 1n);
    await expect(prove(1n, tampered)).rejects.toThrow(/InvalidProof/);
    const good = await proveStub(circuit, input);
    const bad = [...good];
    bad[0] = good[6]!;
    bad[1] = good[7]!;
    await expect(prove(1n, bad)).rejects.toThrow(/InvalidProof|reverted/);
    await expect(prove(1n, good, s.prover, 9)).rejects.toThrow(/UnknownCircuit/);
  });

  it("refuses a proof submitted by another prover than the one it was made for", async () => {
    // alice bonds as a prover and copies s.prover's proof, as a front-runner would.
    await bondOperator(s.d.token, s.d.rollup, s.alice, s.config.l1.minProverBond, true);
    const proversProof = await proveStub(
      circuit,
      await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await expect(prove(1n, proversProof, s.alice)).rejects.toThrow(/InvalidProof/);
    const alicesProof = await proveStub(
      circuit,
      await s.d.rollup.getFunction("proofInputOf")(1n, await s.alice.getAddress()),
    );
    await expect(prove(1n, alicesProof, s.prover)).rejects.toThrow(/InvalidProof/);
  });

  it("refuses to prove a batch not committed, or genesis", async () => {
    const proof = await proveStub(circuit, 1n);
    await expect(prove(2n, proof)).rejects.toThrow(/BatchNotProvable/);
    await expect(prove(0n, proof)).rejects.toThrow(/BatchNotProvable/);
  });

  it("finalizes a batch with a real proof of its public input, once, within 230k gas", async () => {
    const proof = await proveStub(
      circuit,
      await s.d.rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    const receipt = await prove(1n, proof);
    expect(Number(receipt.gasUsed)).toBeLessThanOrEqual(230_000);
    expect(await s.d.rollup.getFunction("lastFinalizedBatch")()).toBe(1n);
    await expect(prove(1n, proof)).rejects.toThrow(/BatchNotProvable/);
  });

  it("chains batches on post-state roots; proofs out of order finalize the proven prefix", async () => {
    const b2 = await nextBatch(s.d.rollup, { postStateRoot: 12n });
    expect(b2.preStateRoot).toBe(11n);
    await commit(b2);
    const b3 = await nextBatch(s.d.rollup, { postStateRoot: 13n });
    expect(b3.preStateRoot).toBe(12n);
    await commit(b3);
    const lastFinalized = s.d.rollup.getFunction("lastFinalizedBatch");
    await prove(
      3n,
      await proveStub(circuit, await s.d.rollup.getFunction("proofInputOf")(3n, await s.prover.getAddress())),
    );
    expect(await lastFinalized()).toBe(1n);
    await prove(
      2n,
      await proveStub(circuit, await s.d.rollup.getFunction("proofInputOf")(2n, await s.prover.getAddress())),
    );
    expect(await lastFinalized()).toBe(3n);
    await (await s.d.rollup.getFunction("syncFinality")(32n)).wait();
    expect((await s.d.rollup.getFunction("head")()).lastFinalized).toBe(3n);
  });

  it("pays the prover's reward once per proven batch from the reward pool", async () => {
    const rollupAsProver = s.rollupAs(s.prover);
    await expect(rollupAsProver.getFunction("claimProverRewards")([1n, 2n])).rejects.toThrow(
      /RewardPoolEmpty/,
    );
    const pool = 100n * 10n ** 18n;
    await (await s.tokenAs(s.deployer).getFunction("approve")(s.d.rollup.target, pool)).wait();
    await (await s.rollupAs(s.deployer).getFunction("fundRewardPool")(pool)).wait();
    const before = await s.d.token.getFunction("balanceOf")(await s.prover.getAddress());
    await (await rollupAsProver.getFunction("claimProverRewards")([1n, 2n, 3n])).wait();
    const after = await s.d.token.getFunction("balanceOf")(await s.prover.getAddress());
    expect(after - before).toBe(3n * s.config.l1.proverRewardPerBatch);
    await expect(rollupAsProver.getFunction("claimProverRewards")([1n])).rejects.toThrow(/NotRewardable/);
    await expect(s.rollupAs(s.alice).getFunction("claimProverRewards")([2n])).rejects.toThrow(
      /NotRewardable/,
    );
  });
  it("pays no reward for a proven batch that is not final yet", async () => {
    const b = await nextBatch(s.d.rollup, { postStateRoot: 14n });
    await commit(b);
    const next = await nextBatch(s.d.rollup, { postStateRoot: 15n });
    await commit(next);
    await prove(
      next.batchIndex,
      await proveStub(
        circuit,
        await s.d.rollup.getFunction("proofInputOf")(next.batchIndex, await s.prover.getAddress()),
      ),
    );
    await expect(s.rollupAs(s.prover).getFunction("claimProverRewards")([next.batchIndex])).rejects.toThrow(
      /NotRewardable/,
    );
  });
});
