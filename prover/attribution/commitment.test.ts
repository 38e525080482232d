import { describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { poseidon, poseidonList } from "../../protocol/poseidon.ts";
import { SparseMerkleTree, verifyProof } from "../../protocol/smt.ts";
import { checkpointCommitment, featureCommitment } from "./commitment.ts";
import { inferenceFeatures, modelContext } from "./context.ts";
import { signedToField } from "./fixed-point.ts";
import { irisFixture, testInput } from "./test-fixtures.ts";
import { contributionGradients, quantizedTestGradient } from "./tracin.ts";

const { model, rows, test } = irisFixture();
const ctx = modelContext(model.bytes, rows);
const shape = TEST_PARAMS.trainingSet;

describe("commitments", () => {
  it("the checkpoint root commits each contribution id with its quantized G_c", () => {
    const { root, leaves } = checkpointCommitment(ctx, shape);
    const gradients = contributionGradients(ctx);
    const tree = new SparseMerkleTree(shape);
    rows.contributions.forEach((id, j) => {
      const leaf = poseidon([id, poseidonList(gradients[j]!.map(signedToField))]);
      expect(leaves[j]).toBe(leaf);
      tree.set(BigInt(j), leaf);
    });
    expect(root).toBe(tree.root);
    expect(verifyProof(shape, root, tree.proof(2n))).toBe(true);
    expect(gradients.flat().some((v) => v < 0n)).toBe(true);
  });

  it("the checkpoint changes when rows move between contributions", () => {
    const moved = { ...rows, contribution: rows.contribution.map((c, r) => (r === 0 ? (c + 1) % 5 : c)) };
    expect(checkpointCommitment(modelContext(model.bytes, moved), shape).root).not.toBe(
      checkpointCommitment(ctx, shape).root,
    );
  });

  it("the feature commitment binds the quantized test gradient the circuit multiplies by G_c", () => {
    const x = testInput(test, 0);
    const { f, label } = inferenceFeatures(ctx, { x });
    expect(featureCommitment(ctx, { x })).toBe(
      poseidonList(Array.from(quantizedTestGradient(ctx, f, label), signedToField)),
    );
    expect(featureCommitment(ctx, { x: testInput(test, 1) })).not.toBe(featureCommitment(ctx, { x }));
  });
});
