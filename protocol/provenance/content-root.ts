import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { poseidon } from "../poseidon.ts";
import { capacity, type MerkleProof, type TreeShape, verifyProof, zeroHashes } from "../smt.ts";

/**
 * contentRoot (docs/protocol.md §10): the root of the protocol's sparse Merkle tree (§3) of
 * shape ROWS_TREE whose leaf i is the i-th row's leaf (`rowLeaf`, rows in file order) and
 * whose other leaves are 0. Arity 4 like the registries; depth 16 holds every u32 row count.
 *
 * The rows fill the tree from index 0, so it is built over dense arrays (level by level for
 * proofs, leaf by leaf for the root) rather than through SparseMerkleTree's map: the same
 * root (tested), without a map entry per node. 60,000 rows cost about 20,000 Poseidon(4).
 */
export const ROWS_TREE: TreeShape = { arity: 4, depth: 16 };

const MAX_ROWS = Number(capacity(ROWS_TREE));

function checkCount(n: number): void {
  if (n > MAX_ROWS) {
    throw new OpenLedgerError(ErrorCode.TreeFull, `a contribution holds at most 4^16 rows, got ${n}`);
  }
}

/** The parent level of `nodes` at tree height `level` (absent right siblings are empty). */
function parentLevel(nodes: readonly Field[], level: number): Field[] {
  const a = ROWS_TREE.arity;
  const zero = zeroHashes(ROWS_TREE)[level]!;
  const parents = new Array<Field>(Math.ceil(nodes.length / a));
  const children = new Array<Field>(a);
  for (let p = 0; p < parents.length; p++) {
    for (let k = 0; k < a; k++) children[k] = nodes[p * a + k] ?? zero;
    parents[p] = poseidon(children);
  }
  return parents;
}

/** Every level from the leaves up; level D holds the root. An empty list gives the empty tree. */
function levels(leaves: readonly Field[]): Field[][] {
  checkCount(leaves.length);
  const zeros = zeroHashes(ROWS_TREE);
  const out: Field[][] = [[...leaves]];
  for (let level = 0; level < ROWS_TREE.depth; level++) {
    const nodes = out[level]!;
    out.push(nodes.length === 0 ? [] : parentLevel(nodes, level));
  }
  if (out[ROWS_TREE.depth]!.length === 0) out[ROWS_TREE.depth] = [zeros[ROWS_TREE.depth]!];
  return out;
}

export function contentRoot(leaves: readonly Field[]): Field {
  const b = new ContentRootBuilder();
  for (const leaf of leaves) b.add(leaf);
  return b.root();
}

/**
 * contentRoot of leaves given one at a time, in row order: a node is hashed as soon as its
 * four children are known, so the tree is built while the rows are still being hashed (on
 * another thread) instead of after. It keeps at most three pending nodes per level and
 * makes the same Poseidon calls as the level-by-level build.
 *
 * Built from `level` > 0, it takes the nodes of that height instead of leaves: the roots of
 * consecutive blocks of 4^level rows (`nodeAt`), hashed apart, on several threads.
 */
export class ContentRootBuilder {
  private count = 0;
  /** Per level, the nodes whose parent still waits for a sibling (fewer than `arity`). */
  private readonly pending: Field[][] = Array.from({ length: ROWS_TREE.depth + 1 }, () => []);

  constructor(readonly level = 0) {}

  /** Nodes added (rows, at level 0). */
  get rows(): number {
    return this.count;
  }

  add(node: Field): void {
    checkCount((this.count + 1) * ROWS_TREE.arity ** this.level);
    this.count++;
    let carry = node;
    for (let level = this.level; ; level++) {
      const nodes = this.pending[level]!;
      nodes.push(carry);
      if (nodes.length < ROWS_TREE.arity || level === ROWS_TREE.depth) return;
      carry = poseidon(nodes);
      nodes.length = 0;
    }
  }

  /** The root of the leaves so far: partial nodes are closed with empty siblings. */
  root(): Field {
    return this.nodeAt(ROWS_TREE.depth);
  }

  /**
   * The node at `height` over everything added, which must fit under it (the root of a
   * block of rows): partial nodes are closed with empty siblings.
   */
  nodeAt(height: number): Field {
    if (this.count > ROWS_TREE.arity ** (height - this.level)) {
      throw new RangeError(`${this.count} nodes do not fit under one node at height ${height}`);
    }
    const zeros = zeroHashes(ROWS_TREE);
    if (this.count === 0) return zeros[height]!;
    // `carry` is the rightmost node of the level being closed, made from the level below.
    let carry: Field | undefined;
    for (let level = this.level; level < height; level++) {
      const nodes = carry === undefined ? this.pending[level]! : [...this.pending[level]!, carry];
      if (nodes.length === 0) continue;
      const children = Array.from({ length: ROWS_TREE.arity }, (_, k) => nodes[k] ?? zeros[level]!);
      carry = poseidon(children);
    }
    return carry ?? this.pending[height]![0]!;
  }
}

/**
 * How to hash a tree of `rows` leaves in about `parts` equal shares: blocks of 4^height
 * rows (the last one short), whose roots a builder at `height` then joins. `ranges` are the
 * row ranges of the shares, each made of whole blocks; enough blocks (four per share, when
 * there are rows enough) keep the shares within a block of each other.
 */
export function splitTree(rows: number, parts: number): { height: number; ranges: Array<[number, number]> } {
  let height = 0;
  while (height < ROWS_TREE.depth && Math.ceil(rows / ROWS_TREE.arity ** (height + 1)) >= 4 * parts) height++;
  const block = ROWS_TREE.arity ** height;
  const blocks = Math.ceil(rows / block);
  const ranges: Array<[number, number]> = [];
  for (let p = 0; p < parts; p++) {
    const from = Math.floor((p * blocks) / parts) * block;
    const to = Math.min(rows, Math.floor(((p + 1) * blocks) / parts) * block);
    if (to > from) ranges.push([from, to]);
  }
  return { height, ranges };
}

/** The path of row `index` to contentRoot, in the format of docs/protocol.md §3. */
export function rowProof(leaves: readonly Field[], index: number): MerkleProof {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new OpenLedgerError(
      ErrorCode.InvalidProof,
      `no row ${index} in a contribution of ${leaves.length}`,
    );
  }
  const all = levels(leaves);
  const zeros = zeroHashes(ROWS_TREE);
  const a = ROWS_TREE.arity;
  const siblings: Field[][] = [];
  let idx = index;
  for (let level = 0; level < ROWS_TREE.depth; level++) {
    const first = idx - (idx % a);
    const sibs: Field[] = [];
    for (let k = first; k < first + a; k++) if (k !== idx) sibs.push(all[level]![k] ?? zeros[level]!);
    siblings.push(sibs);
    idx = Math.floor(idx / a);
  }
  return { index: BigInt(index), leaf: leaves[index]!, siblings };
}

/**
 * True iff `proof` places a non-empty leaf under `root`. A leaf of 0 is refused: it is what
 * an index past the last row holds, so it proves no row.
 */
export function verifyRowProof(root: Field, proof: MerkleProof): boolean {
  return proof.leaf !== 0n && verifyProof(ROWS_TREE, root, proof);
}
