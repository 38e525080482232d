import { describe, expect, it } from "vitest";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { poseidon, poseidonList } from "../../protocol/poseidon.ts";
import { SparseMerkleTree, verifyProof } from "../../protocol/smt.ts";
import { checkpointCommitment, featureCommitment } from "./commitment.ts";
import { inferenceFeatures, modelContext } from "./context.ts";
import { signedToField } from "./fixed-point.ts";
import { irisFixture, testInput } from "./test-fixtures.ts";
import { contributionFactors, testFactors } from "./tracin.ts";

const { model, rows, test } = irisFixture();
const ctx = modelContext(model.bytes, rows);
const shape = TEST_PARAMS.trainingSet;

describe("commitments", () => {
  it("the checkpoint root commits each contribution id with the chain of its rows' factors", () => {
    const { root, leaves } = checkpointCommitment(ctx, shape);
    const factors = contributionFactors(ctx);
    const tree = new SparseMerkleTree(shape);
    rows.contributions.forEach((id, j) => {
      let chain = 0n;
      for (const { r, x } of factors[j]!) chain = poseidonList([chain, ...[...r, ...x].map(signedToField)]);
      const leaf = poseidon([id, chain]);
      expect(leaves[j]).toBe(leaf);
      tree.set(BigInt(j), leaf);
    });
    expect(root).toBe(tree.root);
    expect(verifyProof(shape, root, tree.proof(2n))).toBe(true);
    // Every non-duplicate row is in, with negative class factors and the bias factor 2^16.
    expect(factors.flat().length).toBe(ctx.active.length);
    expect(factors.flat().some(({ r }) => r.some((v) => v < 0n))).toBe(true);
    expect(factors.flat().every(({ x }) => x.at(-1) === 65536n)).toBe(true);
  });

  it("the checkpoint changes when rows move between contributions", () => {
    const moved = { ...rows, contribution: rows.contribution.map((c, r) => (r === 0 ? (c + 1) % 5 : c)) };
    expect(checkpointCommitment(modelContext(model.bytes, moved), shape).root).not.toBe(
      checkpointCommitment(ctx, shape).root,
    );
  });

  it("the feature commitment binds the test point's factors (r_t, x_t) at the answered label", () => {
    const x = testInput(test, 0);
    const { f, label } = inferenceFeatures(ctx, { x });
    const t = testFactors(ctx, f, label);
    expect(t.r.length).toBe(ctx.data.classes);
    expect(t.x.length).toBe(ctx.data.dim + 1);
    expect(featureCommitment(ctx, { x })).toBe(poseidonList([...t.r, ...t.x].map(signedToField)));
    expect(featureCommitment(ctx, { x: testInput(test, 1) })).not.toBe(featureCommitment(ctx, { x }));
  });
});
