import type { Field } from "../../protocol/field.ts";
import { poseidon, poseidonList } from "../../protocol/poseidon.ts";
import { SparseMerkleTree, type TreeShape } from "../../protocol/smt.ts";
import { inferenceFeatures, type ModelContext } from "./context.ts";
import { signedToField } from "./fixed-point.ts";
import { contributionGradients, quantizedTestGradient } from "./tracin.ts";
import type { Inference } from "./types.ts";

/**
 * Commitments the reward circuit opens (spec: docs/attribution.md, "Commitments").
 * Vectors are fixed-point integers at scale 2^16 encoded in the field as x mod p.
 */
export function vectorHash(q: readonly bigint[] | Float64Array): Field {
  return poseidonList(Array.from(q, (v: bigint | number) => signedToField(v)));
}

/** Leaf j of the checkpoint tree: Poseidon(contribution id, PoseidonList(G_c)). */
export function checkpointLeaf(id: bigint, gradient: readonly bigint[]): Field {
  return poseidon([id, vectorHash(gradient)]);
}

/**
 * The training checkpoint commitment: the root of a sparse Merkle tree (the protocol's
 * training-set shape) whose slot j holds the leaf of the model's j-th contribution.
 */
export function checkpointCommitment(ctx: ModelContext, shape: TreeShape): { root: Field; leaves: Field[] } {
  const gradients = contributionGradients(ctx);
  const tree = new SparseMerkleTree(shape);
  const leaves = ctx.rows.contributions.map((id, j) => checkpointLeaf(id, gradients[j]!));
  leaves.forEach((leaf, j) => tree.set(BigInt(j), leaf));
  return { root: tree.root, leaves };
}

/** The per-inference feature commitment: PoseidonList of the quantized test gradient. */
export function featureCommitment(ctx: ModelContext, inference: Inference): Field {
  const { f, label } = inferenceFeatures(ctx, inference);
  return vectorHash(quantizedTestGradient(ctx, f, label));
}
