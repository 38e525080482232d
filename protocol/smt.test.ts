import { describe, expect, it } from "vitest";
import type { Field } from "./field.ts";
import { poseidon } from "./poseidon.ts";
import { MemoryNodeStore, SparseMerkleTree, type TreeShape, verifyProof, zeroHashes } from "./smt.ts";

/** Reference root: hash a dense leaf array level by level. */
function denseRoot(leaves: Field[], { arity, depth }: TreeShape): Field {
  let level = leaves;
  for (let d = 0; d < depth; d++) {
    const next: Field[] = [];
    for (let i = 0; i < level.length; i += arity) next.push(poseidon(level.slice(i, i + arity)));
    level = next;
  }
  return level[0]!;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s;
  };
}

describe("sparse Merkle tree", () => {
  for (const shape of [
    { arity: 2, depth: 4 },
    { arity: 4, depth: 3 },
    { arity: 8, depth: 2 },
  ]) {
    it(`arity ${shape.arity} depth ${shape.depth}: roots equal a dense reference`, () => {
      const size = shape.arity ** shape.depth;
      const leaves = new Array<Field>(size).fill(0n);
      const tree = new SparseMerkleTree(shape);
      expect(tree.root).toBe(denseRoot(leaves, shape));
      expect(tree.root).toBe(zeroHashes(shape)[shape.depth]);
      const next = rng(shape.arity);
      for (let k = 0; k < 12; k++) {
        const i = next() % size;
        const v = BigInt(next()) * 1000003n;
        leaves[i] = v;
        tree.set(BigInt(i), v);
        expect(tree.root).toBe(denseRoot(leaves, shape));
      }
    });
  }

  it("proves inclusion and non-inclusion, and rejects altered proofs", () => {
    const shape = { arity: 4, depth: 3 };
    const tree = new SparseMerkleTree(shape);
    tree.set(5n, 111n);
    tree.set(42n, 222n);
    const root = tree.root;
    const inc = tree.proof(42n);
    expect(inc.leaf).toBe(222n);
    expect(verifyProof(shape, root, inc)).toBe(true);
    const empty = tree.proof(17n);
    expect(empty.leaf).toBe(0n);
    expect(verifyProof(shape, root, empty)).toBe(true);

    expect(verifyProof(shape, root, { ...inc, leaf: 223n })).toBe(false);
    expect(verifyProof(shape, root, { ...inc, index: 43n })).toBe(false);
    expect(verifyProof(shape, root, { ...empty, leaf: 1n })).toBe(false);
    const badSibs = inc.siblings.map((l) => [...l]);
    badSibs[1]![0]! += 1n;
    expect(verifyProof(shape, root, { ...inc, siblings: badSibs })).toBe(false);
    expect(verifyProof(shape, root, { ...inc, siblings: inc.siblings.slice(1) })).toBe(false);
    expect(verifyProof(shape, root, { ...inc, index: 64n })).toBe(false);
  });

  it("reopens over the node store it wrote, empty nodes left out", () => {
    const shape = { arity: 4, depth: 3 };
    const nodes = new MemoryNodeStore();
    const a = new SparseMerkleTree(shape, nodes);
    a.set(1n, 10n);
    a.set(2n, 20n);
    const b = new SparseMerkleTree(shape, nodes);
    expect(b.root).toBe(a.root);
    expect(b.proof(2n)).toEqual(a.proof(2n));
    a.set(1n, 0n);
    a.set(2n, 0n);
    expect(nodes.get(0, 1n)).toBeUndefined();
    expect(nodes.get(3, 0n)).toBeUndefined();
    expect(b.root).toBe(zeroHashes(shape)[3]);
  });

  it("refuses indices outside the tree", () => {
    const tree = new SparseMerkleTree({ arity: 2, depth: 2 });
    expect(() => tree.set(4n, 1n)).toThrow(/outside a tree of 4 leaves/);
    expect(() => tree.set(-1n, 1n)).toThrow(/outside/);
  });
});
