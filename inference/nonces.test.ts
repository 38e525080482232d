import { describe, expect, it } from "vitest";
import { NonceBook } from "./nonces.ts";

describe("nonce book", () => {
  // The sequencer's nonces as a table, and every lookup the book makes.
  const chain = (nonces: Record<number, number>) => {
    const asked: number[] = [];
    const lookup = async (account: number) => {
      asked.push(account);
      return nonces[account] ?? null;
    };
    return { nonces, asked, lookup };
  };

  it("asks once, then counts accepted transactions without asking", async () => {
    const c = chain({ 5: 3 });
    const book = new NonceBook(c.lookup);
    expect(await book.expected(5, 3)).toBe(3);
    book.accepted(5, 3);
    expect(await book.expected(5, 4)).toBe(4);
    book.accepted(5, 4);
    expect(await book.expected(5, 5)).toBe(5);
    expect(c.asked).toEqual([5]);
  });

  it("asks again for any other nonce, so transactions sent elsewhere never make it refuse a good one", async () => {
    const c = chain({ 5: 3 });
    const book = new NonceBook(c.lookup);
    await book.expected(5, 3);
    book.accepted(5, 3);
    c.nonces[5] = 9; // five transactions sent straight to the sequencer
    expect(await book.expected(5, 9)).toBe(9);
    expect(await book.expected(5, 2)).toBe(9);
    expect(c.asked).toEqual([5, 5, 5]);
    expect(await book.expected(6, 0)).toBeNull();
  });

  it("asks after a refusal, and keeps at most maxAccounts counts", async () => {
    const c = chain({ 1: 0, 2: 0, 3: 0 });
    const book = new NonceBook(c.lookup, 2);
    await book.expected(1, 0);
    book.forget(1);
    await book.expected(1, 0);
    expect(c.asked).toEqual([1, 1]);
    await book.expected(2, 0);
    await book.expected(3, 0); // drops account 1, the oldest
    await book.expected(3, 0);
    await book.expected(1, 0);
    expect(c.asked).toEqual([1, 1, 2, 3, 1]);
  });
});
