import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { signedToField } from "../fixed-point.ts";
import { poseidon, poseidonList } from "../poseidon.ts";
import { SparseMerkleTree, type TreeShape } from "../smt.ts";

/**
 * The gradient method's scores in factored per-row form (docs/attribution.md §6), the twin of
 * circuits/lib/rewards/row_scores.circom. A row (training row or inference) is its two
 * factors at scale 2^16: r = q(p − onehot(label)) (one per class) and x = q([f, 1]) (embedding
 * and bias). Pure integers: every node and the circuit compute the same values.
 */
export interface RowFactors {
  readonly r: readonly bigint[];
  readonly x: readonly bigint[];
}

/** s = <r_t, r_i>·<x_t, x_i> is at scale 2^64; a row's score is floor(s / 2^32), at 2^32. */
export const ROW_SCORE_SHIFT = 32;
/** A row score a lies in [−2^52, 2^52): the circuit's range proof, and exact in a float64. */
export const ROW_SCORE_BITS = 52;
const LIMIT = 1n << BigInt(ROW_SCORE_BITS);

/** The integer score of training row `row` for the inference `test`, at scale 2^32. */
export function rowScore(test: RowFactors, row: RowFactors): bigint {
  return rowScoreOfDots(dot(test.r, row.r), dot(test.x, row.x));
}

/** floor(<r_t, r_i>·<x_t, x_i> / 2^32), range-checked: the step the engine's fast path shares. */
export function rowScoreOfDots(rDot: bigint, xDot: bigint): bigint {
  const a = (rDot * xDot) >> BigInt(ROW_SCORE_SHIFT);
  if (a < -LIMIT || a >= LIMIT) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      `a row score is in [-2^${ROW_SCORE_BITS}, 2^${ROW_SCORE_BITS}), got ${a} (embeddings too large)`,
    );
  }
  return a;
}

/** A contribution's payable score: the sum of its rows' positive scores (clipped per row). */
export function lanePayable(test: RowFactors, rows: readonly RowFactors[]): bigint {
  return rows.reduce((sum, row) => {
    const a = rowScore(test, row);
    return a > 0n ? sum + a : sum;
  }, 0n);
}

/** The feature commitment of an inference: PoseidonList(r_t ‖ x_t), signed values mod p. */
export function featureCommitment(test: RowFactors): Field {
  return poseidonList(flat(test));
}

/**
 * Leaf of one training contribution in the checkpoint tree: Poseidon(id, H_n), the chain
 * H_0 = 0, H_{k+1} = PoseidonList([H_k] ‖ r_k ‖ x_k) over its n non-duplicate rows in
 * registration order. A chain rather than one list so that a circuit with R row slots per lane
 * hashes any n ≤ R rows by skipping the slots past n.
 */
export function checkpointLeaf(id: bigint, rows: readonly RowFactors[]): Field {
  return poseidon([id, rows.reduce((h, row) => poseidonList([h, ...flat(row)]), 0n)]);
}

/** The checkpoint commitment: the training-set-shaped tree with leaf j at index j, 0 elsewhere. */
export function checkpointRoot(leaves: readonly Field[], shape: TreeShape): Field {
  const tree = new SparseMerkleTree(shape);
  leaves.forEach((leaf, j) => tree.set(BigInt(j), leaf));
  return tree.root;
}

function dot(a: readonly bigint[], b: readonly bigint[]): bigint {
  if (a.length !== b.length) {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `factors of widths ${a.length} and ${b.length}`);
  }
  return a.reduce((s, v, k) => s + v * b[k]!, 0n);
}

function flat(row: RowFactors): Field[] {
  return [...row.r, ...row.x].map(signedToField);
}
