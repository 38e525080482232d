import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FIELD_MODULUS, fieldToHex } from "../field.ts";
import { SparseMerkleTree } from "../smt.ts";
import {
  ContentRootBuilder,
  contentRoot,
  modelHash,
  ROWS_TREE,
  rowBytes,
  rowHash,
  rowLeaf,
  rowProof,
  splitTree,
  verifyRowProof,
} from "./index.ts";

// Test vectors of docs/protocol.md §10: any implementation must reproduce these.
const ROW0 = { label: 2, features: [0, -0, 0.5, -1.25, 1e-6] };
const ROW1 = { label: 7, features: [-3.3e-5, 123456.789, -7e10, 2 ** 40, -(2 ** 37) + 0.3] };
const VECTORS = {
  row0Bytes:
    "0000000200000005000000000000000000000000000000000000000000008000fffffffffffec0000000000000000000",
  row0Hash: "db9dead96719a3814010314a65771c515dd76fa3a2bbcabf8046aa7060535757",
  row1Hash: "4fb94a8c19c68c33501d363b0a9bff1c99c3cb7c20ee67f1ad6387844aab4173",
  row0Leaf: "0x1a0cb10de25322da5ecf1a705f71badcbd07ce81bbd6087a70bed420a0535753",
  row1Leaf: "0x1f54fc193894ec0997ccf084891aa6bf718fe333a734f760698191f05aab4172",
  rootEmpty: "0x151399c724e17408a7a43cdadba2fc000da9339c56e4d49c6cdee6c4356fbc68",
  rootRow0: "0x1a6710c8addc3b2120c4c33d0c796bfc2a03f157bf7d245b4e81ff7f83818805",
  rootBoth: "0x1cdfe7491d98350fc1c5fb383bdb1195467364c9e6ec641578c116a897d59f1e",
  root12345: "0x2cfcbb803e3bc6ea94b2637116abe228559d8095051ed962fa66d8ab1322c71e",
  modelHashOpenledger: "0x04b4911b7a2edfe1fcf8324326557e9b2e814b3b36ab482d7fbcf4194ea1e606",
};

/** The row hash written the slow, obvious way (BigInt per feature), as a twin. */
function referenceRowHash(label: number, features: number[]): string {
  const buf = Buffer.alloc(8 + features.length * 8);
  buf.writeUInt32BE(label, 0);
  buf.writeUInt32BE(features.length, 4);
  features.forEach((x, j) => {
    const v = x * 65536;
    const f = Math.floor(v);
    const q = v - f > 0.5 || (v - f === 0.5 && f % 2 !== 0) ? f + 1 : f;
    buf.writeBigInt64BE(BigInt(Math.max(-(2 ** 52 - 1), Math.min(2 ** 52 - 1, q))), 8 + j * 8);
  });
  return createHash("sha256").update(buf).digest("hex");
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const leavesOf = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => rowLeaf(rowHash(rowBytes(i % 10, [seed, i, -i / 3]))));

describe("row hash", () => {
  it("matches the vectors and a BigInt twin", () => {
    const b0 = rowBytes(ROW0.label, ROW0.features);
    expect(hex(b0)).toBe(VECTORS.row0Bytes);
    expect(hex(rowHash(b0))).toBe(VECTORS.row0Hash);
    expect(hex(rowHash(rowBytes(ROW1.label, ROW1.features)))).toBe(VECTORS.row1Hash);
    expect(referenceRowHash(ROW0.label, ROW0.features)).toBe(VECTORS.row0Hash);
    expect(referenceRowHash(ROW1.label, ROW1.features)).toBe(VECTORS.row1Hash);
    for (let i = 0; i < 50; i++) {
      const f = Array.from({ length: 7 }, (_, j) => Math.sin(i * 7 + j) * 10 ** ((i % 9) - 2));
      expect(hex(rowHash(rowBytes(i, f)))).toBe(referenceRowHash(i, f));
    }
  });

  it("maps the digest into the field as big-endian mod r", () => {
    const leaf = rowLeaf(rowHash(rowBytes(ROW0.label, ROW0.features)));
    expect(fieldToHex(leaf)).toBe(VECTORS.row0Leaf);
    expect(leaf).toBe(BigInt(`0x${VECTORS.row0Hash}`) % FIELD_MODULUS);
    expect(fieldToHex(rowLeaf(rowHash(rowBytes(ROW1.label, ROW1.features))))).toBe(VECTORS.row1Leaf);
  });

  it("treats -0 and +0, and values below 2^-17, as the same row; refuses NaN and bad labels", () => {
    expect(hex(rowHash(rowBytes(1, [0, 1])))).toBe(hex(rowHash(rowBytes(1, [-0, 1 + 2 ** -18]))));
    expect(hex(rowHash(rowBytes(1, [0, 1])))).not.toBe(hex(rowHash(rowBytes(2, [0, 1]))));
    expect(() => rowBytes(1, [Number.NaN])).toThrow(/NaN/);
    expect(() => rowBytes(-1, [1])).toThrow(/u32/);
    expect(() => rowBytes(1.5, [1])).toThrow(/u32/);
  });
});

describe("contentRoot", () => {
  it("matches the vectors", () => {
    const l0 = BigInt(VECTORS.row0Leaf);
    const l1 = BigInt(VECTORS.row1Leaf);
    expect(fieldToHex(contentRoot([]))).toBe(VECTORS.rootEmpty);
    expect(fieldToHex(contentRoot([l0]))).toBe(VECTORS.rootRow0);
    expect(fieldToHex(contentRoot([l0, l1]))).toBe(VECTORS.rootBoth);
    expect(fieldToHex(contentRoot([1n, 2n, 3n, 4n, 5n]))).toBe(VECTORS.root12345);
  });

  it("equals the protocol's sparse Merkle tree with the rows at 0..n-1", () => {
    for (const n of [1, 3, 4, 5, 16, 17, 70]) {
      const leaves = leavesOf(n, n);
      const tree = new SparseMerkleTree(ROWS_TREE);
      tree.setMany(leaves.map((l, i) => [BigInt(i), l] as const));
      expect(contentRoot(leaves)).toBe(tree.root);
      // The dense proof is the tree's proof, sibling for sibling.
      expect(rowProof(leaves, n - 1)).toEqual(tree.proof(BigInt(n - 1)));
    }
  });

  it("built leaf by leaf, equals the sparse Merkle tree at edge sizes and a few thousand rows", () => {
    // One builder read at each size while it grows: reading the root changes nothing.
    const sizes = [1, 2, 3, 4, 5, 15, 16, 17, 63, 64, 65, 255, 256, 257, 1023, 1024, 1025, 3001];
    const leaves = leavesOf(sizes.at(-1)!, 7);
    const tree = new SparseMerkleTree(ROWS_TREE);
    const b = new ContentRootBuilder();
    expect(fieldToHex(b.root())).toBe(VECTORS.rootEmpty);
    let n = 0;
    for (const size of sizes) {
      tree.setMany(leaves.slice(n, size).map((l, i) => [BigInt(n + i), l] as const));
      for (; n < size; n++) b.add(leaves[n]!);
      expect(b.root(), `${size} rows`).toBe(tree.root);
      expect(b.rows).toBe(size);
    }
  });

  it("is the same when blocks of rows are hashed apart and their roots joined", () => {
    const leaves = leavesOf(1100, 3);
    for (const n of [0, 1, 5, 17, 64, 65, 1100]) {
      for (const parts of [1, 2, 3]) {
        const { height, ranges } = splitTree(n, parts);
        // The shares cover the rows in order, each starting on a block boundary.
        expect(ranges.map(([from]) => from)).toEqual(
          [0, ...ranges.slice(0, -1).map(([, to]) => to)].slice(0, ranges.length),
        );
        expect(ranges.at(-1)?.[1] ?? 0).toBe(n);
        const top = new ContentRootBuilder(height);
        for (const [from, to] of ranges) {
          expect(from % 4 ** height).toBe(0);
          for (let at = from; at < to; at += 4 ** height) {
            const block = new ContentRootBuilder();
            for (const l of leaves.slice(at, Math.min(to, at + 4 ** height))) block.add(l);
            top.add(block.nodeAt(height));
          }
        }
        expect(top.root(), `${n} rows in ${parts}`).toBe(contentRoot(leaves.slice(0, n)));
      }
    }
    expect(splitTree(60_000, 2).ranges.length).toBe(2);
    expect(() => new ContentRootBuilder().nodeAt(0)).not.toThrow();
    const two = new ContentRootBuilder();
    two.add(1n);
    two.add(2n);
    expect(() => two.nodeAt(0)).toThrow(RangeError);
  });

  it("proves every row by its path, and nothing else", () => {
    const leaves = leavesOf(23, 1);
    const root = contentRoot(leaves);
    for (let i = 0; i < leaves.length; i++) expect(verifyRowProof(root, rowProof(leaves, i))).toBe(true);
    const p = rowProof(leaves, 6);
    expect(verifyRowProof(root, { ...p, leaf: leaves[7]! })).toBe(false);
    expect(verifyRowProof(root, { ...p, index: 7n })).toBe(false);
    expect(verifyRowProof(contentRoot(leaves.slice(1)), p)).toBe(false);
    // Past the last row the tree holds 0, which proves no row.
    const tree = new SparseMerkleTree(ROWS_TREE);
    tree.setMany(leaves.map((l, i) => [BigInt(i), l] as const));
    expect(verifyRowProof(root, tree.proof(23n))).toBe(false);
    expect(() => rowProof(leaves, 23)).toThrow(/no row 23/);
  });
});

describe("modelHash", () => {
  it("is SHA-256 of the bytes mod r", () => {
    const bytes = new TextEncoder().encode("openledger");
    expect(fieldToHex(modelHash(bytes))).toBe(VECTORS.modelHashOpenledger);
    const other = Uint8Array.from(bytes);
    other[0]! ^= 1;
    expect(modelHash(other)).not.toBe(modelHash(bytes));
  });
});
