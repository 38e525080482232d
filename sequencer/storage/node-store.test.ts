import { describe, expect, it } from "vitest";
import { SparseMerkleTree } from "../../protocol/smt.ts";
import { tempDir } from "../testing.ts";
import { LruCache } from "./lru.ts";
import { TreeNodes } from "./node-store.ts";
import { KEY } from "./schema.ts";
import { Store } from "./store.ts";

const shape = { arity: 4, depth: 6 };

describe("tree nodes in LevelDB behind a bounded cache", () => {
  it("keeps at most its capacity, dropping the least recently used", () => {
    const lru = new LruCache<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1);
    lru.set("c", 3);
    expect(lru.get("b")).toBeUndefined();
    expect(lru.get("a")).toBe(1);
    expect(lru.size).toBe(2);
  });

  it("gives the in-memory tree's roots and proofs with a cache far smaller than the tree", async () => {
    const store = await Store.open(tempDir("nodes"), { sync: false });
    const nodes = new TreeNodes(store, 16);
    const onDisk = new SparseMerkleTree(shape, nodes.tree("accounts"));
    const inMemory = new SparseMerkleTree(shape);
    for (let round = 0; round < 3; round++) {
      const entries = Array.from(
        { length: 100 },
        (_, i) => [BigInt((i * 37 + round) % 4096), BigInt(round * 1000 + i + 1)] as const,
      );
      onDisk.setMany(entries);
      inMemory.setMany(entries);
      const { ops, landed } = nodes.takeWrites();
      await store.write(ops);
      landed();
      expect(nodes.inMemory.pending).toBe(0);
      expect(nodes.inMemory.cached).toBeLessThanOrEqual(16);
    }
    expect(onDisk.root).toBe(inMemory.root);
    for (const index of [0n, 37n, 38n, 4095n, 1234n])
      expect(onDisk.proof(index)).toEqual(inMemory.proof(index));
    // A fresh store over the same database reads the same tree from disk alone.
    const reopened = new SparseMerkleTree(shape, new TreeNodes(store, 16).tree("accounts"));
    expect(reopened.root).toBe(inMemory.root);
    await store.close();
  });

  it("holds written nodes until their write lands, and again if rewritten meanwhile", async () => {
    const store = await Store.open(tempDir("nodes-pending"), { sync: false });
    const nodes = new TreeNodes(store, 1);
    const tree = new SparseMerkleTree(shape, nodes.tree("models"));
    const first = tree.set(5n, 50n);
    const taken = nodes.takeWrites();
    expect(taken.ops.length).toBe(shape.depth + 1);
    // Not on disk yet, and the cache holds one node: the pending copies answer.
    expect(tree.root).toBe(first);
    const second = tree.set(5n, 51n);
    await store.write(taken.ops);
    taken.landed();
    // Rewritten after the take: still pending, and still the newer value.
    expect(nodes.inMemory.pending).toBe(shape.depth + 1);
    expect(tree.root).toBe(second);
    const next = nodes.takeWrites();
    await store.write(next.ops);
    next.landed();
    expect(nodes.inMemory.pending).toBe(0);
    expect(await store.get<bigint>(KEY.node("models", shape.depth, 0n))).toBe(second);
    // Emptying a leaf deletes its nodes rather than storing zero hashes.
    tree.set(5n, 0n);
    const emptied = nodes.takeWrites();
    expect(emptied.ops.every((op) => op.type === "del")).toBe(true);
    await store.write(emptied.ops);
    emptied.landed();
    expect(await store.list("node:models:")).toEqual([]);
    await store.close();
  });
});
