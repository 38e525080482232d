import { describe, expect, it } from "vitest";
import { BlockCheckpoints } from "./block-checkpoints.ts";

/** A chain as a list of block hashes by number. */
const chainOf = (hashes: string[]) => async (n: number) => hashes[n];

describe("BlockCheckpoints", () => {
  it("keeps the last `limit` checkpoints", () => {
    const c = new BlockCheckpoints(2);
    for (const n of [1, 2, 3]) c.add({ number: n, hash: `a${n}` });
    c.dropFrom(3);
    expect(c.last).toEqual({ number: 2, hash: "a2" });
    c.dropFrom(2);
    expect(c.last).toBeUndefined();
  });

  it("walks back to the newest checkpoint the chain still holds", async () => {
    const c = new BlockCheckpoints(8);
    for (const n of [2, 4, 6]) c.add({ number: n, hash: `a${n}` });
    expect(await c.dropOrphaned(chainOf(["a0", "a1", "a2", "a3", "a4", "a5", "a6"]))).toBe(false);
    expect(c.last).toEqual({ number: 6, hash: "a6" });
    // Blocks 4 and up replaced, and the chain shorter than block 6.
    expect(await c.dropOrphaned(chainOf(["a0", "a1", "a2", "a3", "b4", "b5"]))).toBe(true);
    expect(c.last).toEqual({ number: 2, hash: "a2" });
    // Deeper than every checkpoint: none is left.
    expect(await c.dropOrphaned(chainOf(["a0", "c1", "c2"]))).toBe(true);
    expect(c.last).toBeUndefined();
  });
});
