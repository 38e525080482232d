import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { BASE8 } from "../../protocol/babyjub.ts";
import { SparseMerkleTree } from "../../protocol/smt.ts";
import { withdrawalLeaf, withdrawalsRoot } from "../../protocol/state/batch.ts";
import { rootsArg } from "../client/batch-roots.ts";
import { commitBatch, nextBatch, rootsArgOf, type TestBatch } from "./batch-helpers.ts";
import { deploySystem, prepareArtifacts, proveStub, type System } from "./fixture.ts";

describe("Rollup: withdrawals claimed with a Poseidon Merkle proof after finality", () => {
  let s: System;
  let rollup: Contract;
  let withdrawals: { recipient: string; amount: bigint }[];
  let tree: SparseMerkleTree;
  let batch: TestBatch;

  const claim = (
    leafIndex: number,
    w = withdrawals[leafIndex]!,
    batchIndex = 1n,
    who = s.bob,
    roots = rootsArgOf(batch),
  ) =>
    s
      .rollupAs(who)
      .getFunction("claimWithdrawal")(
        batchIndex,
        roots,
        leafIndex,
        w.recipient,
        w.amount,
        tree.proof(BigInt(leafIndex)).siblings.map((level) => level[0]!),
      )
      .then((tx: { wait(): Promise<unknown> }) => tx.wait());

  beforeAll(async () => {
    s = await deploySystem(await prepareArtifacts());
    rollup = s.d.rollup;
    withdrawals = [
      { recipient: await s.alice.getAddress(), amount: 400n },
      { recipient: await s.bob.getAddress(), amount: 250n },
    ];
    const depth = s.config.protocol.withdrawalsDepth;
    tree = new SparseMerkleTree({ arity: 2, depth });
    withdrawals.forEach((w, i) => {
      tree.set(BigInt(i), withdrawalLeaf(w));
    });
    expect(tree.root).toBe(withdrawalsRoot(withdrawals, depth));
    // Funds locked by a deposit back the withdrawals.
    await (await s.tokenAs(s.alice).getFunction("approve")(rollup.target, 650n)).wait();
    await (await s.rollupAs(s.alice).getFunction("deposit")(0, BASE8.x, BASE8.y, 650n)).wait();
    batch = await nextBatch(rollup, { postStateRoot: 99n, withdrawalsRoot: tree.root, queueEnd: 1n });
    await (await commitBatch(s.rollupAs(s.sequencer), batch)).wait();
  });
  afterAll(terminateSnarkjsCurve);

  it("refuses a claim before the batch is final", async () => {
    await expect(claim(0)).rejects.toThrow(/NotFinalized/);
  });

  it("pays a claim to the leaf's recipient once the batch is final, whoever submits it", async () => {
    const proof = await proveStub(
      s.circuit,
      await rollup.getFunction("proofInputOf")(1n, await s.prover.getAddress()),
    );
    await (await s.rollupAs(s.prover).getFunction("proveBatch")(1n, 1, proof)).wait();
    const before = await s.d.token.getFunction("balanceOf")(withdrawals[0]!.recipient);
    await claim(0);
    expect((await s.d.token.getFunction("balanceOf")(withdrawals[0]!.recipient)) - before).toBe(400n);
    expect(await rollup.getFunction("isClaimed")(1n, 0)).toBe(true);
    expect(await rollup.getFunction("isClaimed")(1n, 1)).toBe(false);
  });

  it("refuses a claim against roots that are not the batch's", async () => {
    // A withdrawals root holding only a made-up leaf: its proof is valid against it, not the batch.
    const forged = new SparseMerkleTree({ arity: 2, depth: s.config.protocol.withdrawalsDepth });
    const w = { recipient: await s.bob.getAddress(), amount: 650n };
    forged.set(1n, withdrawalLeaf(w));
    const roots = rootsArg({ postStateRoot: 99n, withdrawalsRoot: forged.root, queueEnd: 1n });
    const siblings = forged.proof(1n).siblings.map((level) => level[0]!);
    await expect(
      s.rollupAs(s.bob).getFunction("claimWithdrawal")(1n, roots, 1, w.recipient, w.amount, siblings),
    ).rejects.toThrow(/WrongBatchRoots/);
  });

  it("refuses a second claim of the same withdrawal", async () => {
    await expect(claim(0)).rejects.toThrow(/AlreadyClaimed/);
  });

  it("refuses a claim with a wrong amount, recipient or index, and against the genesis batch", async () => {
    const w = withdrawals[1]!;
    await expect(claim(1, { ...w, amount: 251n })).rejects.toThrow(/InvalidMerkleProof/);
    await expect(claim(1, { ...w, recipient: withdrawals[0]!.recipient })).rejects.toThrow(
      /InvalidMerkleProof/,
    );
    await expect(claim(1, w, 0n)).rejects.toThrow(/NotFinalized/);
    await expect(claim(1, w, 2n)).rejects.toThrow(/NotFinalized/);
  });

  it("pays the second withdrawal of the batch independently", async () => {
    await claim(1, withdrawals[1], 1n, s.alice);
    expect(await rollup.getFunction("isClaimed")(1n, 1)).toBe(true);
  });
  it("refuses malformed proofs: wrong length, index past the tree, sibling outside the field", async () => {
    const w = withdrawals[1]!;
    const siblings = tree.proof(1n).siblings.map((level) => level[0]!);
    const claimWith = (leafIndex: number, sibs: bigint[]) =>
      s.rollupAs(s.bob).getFunction("claimWithdrawal")(
        1n,
        rootsArgOf(batch),
        leafIndex,
        w.recipient,
        w.amount,
        sibs,
      );
    await expect(claimWith(2, siblings.slice(1))).rejects.toThrow(/BadProofLength/);
    await expect(claimWith(2 ** s.config.protocol.withdrawalsDepth, siblings)).rejects.toThrow(
      /IndexOutOfRange/,
    );
    await expect(claimWith(2, [2n ** 255n, ...siblings.slice(1)])).rejects.toThrow(/NotAFieldElement/);
  });
});
