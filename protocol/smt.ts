import { ErrorCode, OpenLedgerError } from "./errors.ts";
import type { Field } from "./field.ts";
import { poseidon } from "./poseidon.ts";

/**
 * Index-addressed sparse Merkle tree of arity A and depth D over Poseidon(A).
 *
 * Leaf i sits at the slot whose base-A digits, least significant first, give the child taken
 * at each level from the bottom. Empty leaves are 0 and an empty subtree of height h hashes
 * to zeros[h] (zeros[0] = 0, zeros[h+1] = Poseidon(zeros[h] repeated A times)), so only
 * non-empty nodes are stored. Non-inclusion of i is inclusion of the value 0 at slot i.
 * Spec: docs/protocol.md, "Trees". Twin: circuits/lib/trees/*.circom.
 */
export interface TreeShape {
  readonly arity: number;
  readonly depth: number;
}

export interface MerkleProof {
  readonly index: bigint;
  readonly leaf: Field;
  /** For each level from the bottom, the A-1 siblings in slot order, own slot left out. */
  readonly siblings: readonly (readonly Field[])[];
}

const zerosCache = new Map<number, Field[]>();

/** zeros[h] for h = 0..depth: the root of an empty subtree of height h. */
export function zeroHashes(shape: TreeShape): readonly Field[] {
  checkShape(shape);
  let zeros = zerosCache.get(shape.arity);
  if (!zeros) {
    zeros = [0n];
    zerosCache.set(shape.arity, zeros);
  }
  while (zeros.length <= shape.depth) {
    zeros.push(poseidon(new Array<Field>(shape.arity).fill(zeros[zeros.length - 1]!)));
  }
  return zeros.slice(0, shape.depth + 1);
}

export function checkShape({ arity, depth }: TreeShape): void {
  if (![2, 4, 8, 16].includes(arity)) throw new RangeError(`tree arity must be 2, 4, 8 or 16, got ${arity}`);
  if (!Number.isInteger(depth) || depth < 1 || depth > 64) throw new RangeError(`tree depth must be 1..64`);
}

export function capacity({ arity, depth }: TreeShape): bigint {
  return BigInt(arity) ** BigInt(depth);
}

/** The base-A digits of `index`, least significant first: the slot taken at each level. */
export function pathDigits(index: bigint, { arity, depth }: TreeShape): number[] {
  const digits: number[] = [];
  let rest = index;
  const a = BigInt(arity);
  for (let level = 0; level < depth; level++) {
    digits.push(Number(rest % a));
    rest /= a;
  }
  return digits;
}

/** Root obtained by placing `leaf` at `index` and hashing up with the proof's siblings. */
export function rootFromProof(
  shape: TreeShape,
  index: bigint,
  leaf: Field,
  siblings: MerkleProof["siblings"],
): Field {
  const digits = pathDigits(index, shape);
  let node = leaf;
  for (let level = 0; level < shape.depth; level++) {
    const sibs = siblings[level];
    if (!sibs || sibs.length !== shape.arity - 1) {
      throw new OpenLedgerError(
        ErrorCode.InvalidProof,
        `proof level ${level} must hold ${shape.arity - 1} siblings`,
      );
    }
    const children = [...sibs];
    children.splice(digits[level]!, 0, node);
    node = poseidon(children);
  }
  return node;
}

export function verifyProof(shape: TreeShape, root: Field, proof: MerkleProof): boolean {
  if (proof.index < 0n || proof.index >= capacity(shape) || proof.siblings.length !== shape.depth)
    return false;
  try {
    return rootFromProof(shape, proof.index, proof.leaf, proof.siblings) === root;
  } catch {
    return false;
  }
}

/**
 * Where a tree keeps its non-empty nodes. The tree only calls these, synchronously, so the
 * state transition stays synchronous whatever holds the nodes: a map here, a disk store with a
 * bounded cache in the sequencer (`sequencer/storage/node-store.ts`).
 */
export interface NodeStore {
  /** The node at (level, index), or undefined for an empty one (its zero hash). */
  get(level: number, index: bigint): Field | undefined;
  /** Writes a node; undefined empties it. */
  set(level: number, index: bigint, value: Field | undefined): void;
}

/** Every node in one map keyed by (level, index): what the prover and the tests use. */
export class MemoryNodeStore implements NodeStore {
  private readonly nodes = new Map<string, Field>();

  get(level: number, index: bigint): Field | undefined {
    return this.nodes.get(`${level}:${index}`);
  }

  set(level: number, index: bigint, value: Field | undefined): void {
    if (value === undefined) this.nodes.delete(`${level}:${index}`);
    else this.nodes.set(`${level}:${index}`, value);
  }
}

/** A tree over a `NodeStore`; empty nodes (zero hashes) are never stored. */
export class SparseMerkleTree {
  readonly shape: TreeShape;
  private readonly zeros: readonly Field[];

  constructor(
    shape: TreeShape,
    private readonly nodes: NodeStore = new MemoryNodeStore(),
  ) {
    checkShape(shape);
    this.shape = { arity: shape.arity, depth: shape.depth };
    this.zeros = zeroHashes(shape);
  }

  get root(): Field {
    return this.node(this.shape.depth, 0n);
  }

  get(index: bigint): Field {
    this.checkIndex(index);
    return this.node(0, index);
  }

  /** Sets leaf `index` to `value` and rehashes its path; returns the new root. */
  set(index: bigint, value: Field): Field {
    this.checkIndex(index);
    this.put(0, index, value);
    const a = BigInt(this.shape.arity);
    let idx = index;
    for (let level = 0; level < this.shape.depth; level++) {
      const first = (idx / a) * a;
      const children: Field[] = [];
      for (let k = 0n; k < a; k++) children.push(this.node(level, first + k));
      idx /= a;
      this.put(level + 1, idx, poseidon(children));
    }
    return this.root;
  }

  /**
   * Sets many leaves and rehashes each touched inner node once, level by level: paths that
   * share ancestors (every path shares the root) are hashed once instead of once per leaf.
   */
  setMany(entries: Iterable<readonly [bigint, Field]>): Field {
    const steps = this.setManySteps(entries);
    while (!steps.next().done);
    return this.root;
  }

  /**
   * `setMany` one hash at a time: the generator yields after each inner node, so a caller
   * can spread a large update over several turns of an event loop. The tree must not be
   * changed otherwise until the generator has finished.
   */
  *setManySteps(entries: Iterable<readonly [bigint, Field]>): Generator<void, Field> {
    let touched = new Set<bigint>();
    for (const [index, value] of entries) {
      this.checkIndex(index);
      this.put(0, index, value);
      touched.add(index);
    }
    const a = BigInt(this.shape.arity);
    for (let level = 0; level < this.shape.depth && touched.size > 0; level++) {
      const parents = new Set<bigint>();
      for (const idx of touched) parents.add(idx / a);
      for (const parent of parents) {
        const children: Field[] = [];
        for (let k = 0n; k < a; k++) children.push(this.node(level, parent * a + k));
        this.put(level + 1, parent, poseidon(children));
        yield;
      }
      touched = parents;
    }
    return this.root;
  }

  proof(index: bigint): MerkleProof {
    this.checkIndex(index);
    const a = BigInt(this.shape.arity);
    const siblings: Field[][] = [];
    let idx = index;
    for (let level = 0; level < this.shape.depth; level++) {
      const first = (idx / a) * a;
      const sibs: Field[] = [];
      for (let k = 0n; k < a; k++) if (first + k !== idx) sibs.push(this.node(level, first + k));
      siblings.push(sibs);
      idx /= a;
    }
    return { index, leaf: this.get(index), siblings };
  }

  private node(level: number, index: bigint): Field {
    return this.nodes.get(level, index) ?? this.zeros[level]!;
  }

  private put(level: number, index: bigint, value: Field): void {
    this.nodes.set(level, index, value === this.zeros[level] ? undefined : value);
  }

  private checkIndex(index: bigint): void {
    if (index < 0n || index >= capacity(this.shape)) {
      throw new OpenLedgerError(
        ErrorCode.TreeFull,
        `leaf index ${index} is outside a tree of ${capacity(this.shape)} leaves`,
      );
    }
  }
}
