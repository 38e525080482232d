import { describe, expect, it } from "vitest";
import { MicroBatcher, WindowBatcher } from "./batcher.ts";
import { QuoteBook } from "./quotes.ts";
import { codeOf } from "../protocol/testing.ts";

describe("micro-batcher", () => {
  // A model that doubles its 2-wide rows and records every call's row count.
  const doubling = () => {
    const calls: number[] = [];
    const run = async (x: Float32Array, n: number) => {
      calls.push(n);
      return { probs: x.map((v) => v * 2) };
    };
    return { calls, run };
  };

  it("runs requests arriving within the window as one call, and hands each its own row", async () => {
    const { calls, run } = doubling();
    const b = new MicroBatcher(run, 2, 2, { windowMs: 20, maxBatch: 100 });
    const out = await Promise.all([1, 2, 3, 4, 5].map((v) => b.submit(Float32Array.of(v, -v))));
    expect(calls).toEqual([5]);
    expect(out.map((o) => Array.from(o))).toEqual([1, 2, 3, 4, 5].map((v) => [2 * v, -2 * v]));
  });

  it("runs a full batch at once and the rest after the window", async () => {
    const { calls, run } = doubling();
    const b = new MicroBatcher(run, 2, 2, { windowMs: 10_000, maxBatch: 3 });
    const full = Promise.all([1, 2, 3].map((v) => b.submit(Float32Array.of(v, v))));
    await full;
    expect(calls).toEqual([3]);
    const quick = new MicroBatcher(run, 2, 2, { windowMs: 1, maxBatch: 3 });
    await Promise.all([1, 2].map((v) => quick.submit(Float32Array.of(v, v))));
    expect(calls).toEqual([3, 2]);
  });

  it("in serial mode, holds what arrives during a call and sends it together when the call ends", async () => {
    const calls: number[][] = [];
    const ends: Array<() => void> = [];
    const b = new WindowBatcher<number, number>(
      (items) => {
        calls.push([...items]);
        return new Promise((resolve) => ends.push(() => resolve(items.map((i) => i * 10))));
      },
      { windowMs: 1, maxBatch: 3, serial: true },
    );
    const first = b.submit(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((i) => b.submit(i));
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([[1]]); // nothing else while the first call runs
    ends[0]!();
    expect(await first).toBe(10);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([[1], [2, 3, 4]]); // at most maxBatch at a time
    ends[1]!();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([[1], [2, 3, 4], [5]]);
    ends[2]!();
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
  });

  it("fails every request of a batch whose call fails", async () => {
    const b = new MicroBatcher(() => Promise.reject(new Error("runtime down")), 1, 1, {
      windowMs: 1,
      maxBatch: 10,
    });
    const results = await Promise.allSettled([b.submit(Float32Array.of(1)), b.submit(Float32Array.of(2))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });
});

describe("quote book", () => {
  it("claims a quote once, releases it after a failed payment, forgets it once paid or expired", async () => {
    let now = 1000;
    const book = new QuoteBook<{ expiresAt: number }>(2, () => now);
    const a = book.add({ expiresAt: 2000 });
    book.claim(a);
    expect(codeOf(() => book.claim(a))).toBe("QUOTE_BUSY");
    book.release(a);
    book.claim(a);
    book.settle(a);
    expect(codeOf(() => book.claim(a))).toBe("UNKNOWN_QUOTE");
    const b = book.add({ expiresAt: 2000 });
    now = 2000;
    expect(codeOf(() => book.claim(b))).toBe("QUOTE_EXPIRED");
    expect(book.size).toBe(0);
  });

  it("keeps at most maxOpen quotes, making room from the expired ones", () => {
    let now = 0;
    const book = new QuoteBook<{ expiresAt: number }>(2, () => now);
    book.add({ expiresAt: 10 });
    book.add({ expiresAt: 20 });
    expect(codeOf(() => book.add({ expiresAt: 30 }))).toBe("OVERLOADED");
    now = 15;
    book.add({ expiresAt: 30 });
    expect(book.size).toBe(2);
  });
});
