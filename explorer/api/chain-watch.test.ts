import { describe, expect, it } from "vitest";
import { changedEntries, type EntryStatus } from "./chain-watch.ts";

const entry = (
  number: number,
  status: EntryStatus["status"],
  kind: EntryStatus["kind"] = "batch",
): EntryStatus => ({
  number,
  kind,
  status,
  epoch: kind === "settlement" ? 0 : null,
});

describe("changedEntries", () => {
  it("reports new entries and status changes, nothing else", () => {
    const prev = new Map([1, 2].map((n) => [n, entry(n, n === 1 ? "final" : "committed")]));
    const next = [entry(1, "final"), entry(2, "proven"), entry(3, "sealed", "settlement")];
    expect(changedEntries(prev, next)).toEqual([entry(2, "proven"), entry(3, "sealed", "settlement")]);
    expect(changedEntries(new Map(next.map((e) => [e.number, e])), next)).toEqual([]);
  });
});
