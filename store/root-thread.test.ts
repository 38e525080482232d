import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldToHex } from "../protocol/field.ts";
import { ROWS_TREE, rowBytes, rowHash, rowLeaf } from "../protocol/provenance/index.ts";
import { SparseMerkleTree } from "../protocol/smt.ts";
import { RootThread } from "./root-thread.ts";
import { rowsContentRoot } from "./rows.ts";

const hashesOf = (n: number) => {
  const out = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) out.set(rowHash(rowBytes(i % 10, [i, -i / 7])), 32 * i);
  return out;
};

describe("RootThread", () => {
  let roots: RootThread;
  beforeAll(async () => {
    roots = await RootThread.start();
  });
  afterAll(() => roots.close());

  it("streams row hashes in uneven batches to the root of the sparse Merkle tree", async () => {
    const n = 2049;
    const hashes = hashesOf(n);
    const tree = new SparseMerkleTree(ROWS_TREE);
    tree.setMany(
      Array.from(
        { length: n },
        (_, i) => [BigInt(i), rowLeaf(hashes.subarray(32 * i, 32 * i + 32))] as const,
      ),
    );
    const job = roots.stream();
    // Views into one buffer: only their own bytes count.
    for (const [from, to] of [
      [0, 1],
      [1, 4],
      [4, 1030],
      [1030, n],
    ] as const)
      job.add(hashes.subarray(32 * from, 32 * to));
    const other = roots.contentRoot(hashes.subarray(0, 32 * 5));
    expect(await job.end()).toBe(fieldToHex(tree.root));
    expect(await other).toBe(rowsContentRoot(hashes.subarray(0, 32 * 5)));
    expect(() => job.add(hashes)).toThrow(/ended/);
  });

  it("shares a tree between threads for the same root", async () => {
    const two = await RootThread.start(2);
    try {
      for (const n of [1, 4096, 5000]) {
        const hashes = hashesOf(n);
        expect(await two.contentRoot(hashes), `${n} rows`).toBe(rowsContentRoot(hashes));
      }
    } finally {
      await two.close();
    }
  });

  it("gives the empty tree's root for no rows", async () => {
    expect(await roots.stream().end()).toBe(rowsContentRoot(new Uint8Array(0)));
  });
});
