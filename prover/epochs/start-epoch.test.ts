import { describe, expect, it } from "vitest";
import { startEpoch } from "./start-epoch.ts";

describe("startEpoch", () => {
  // Three closed epochs: records 1-2 in epoch 0, none in epoch 1, 3-5 in epoch 2.
  const ends = [2, 2, 5];
  const records = (unsettled: number[]) =>
    [1, 2, 3, 4, 5].map((id) => ({ id, payment: unsettled.includes(id) ? 10n : 0n }));

  it("starts at the first epoch whose set reaches an unsettled record", () => {
    expect(startEpoch(ends, records([4, 2]))).toBe(0);
    expect(startEpoch(ends, records([3, 5]))).toBe(2);
  });

  it("starts at the first epoch not closed when every record is settled, or none closed", () => {
    expect(startEpoch(ends, records([]))).toBe(3);
    expect(startEpoch([], [])).toBe(0);
  });
});
