import { describe, expect, it } from "vitest";
import { ErrorCode } from "../errors.ts";
import { FIELD_MODULUS } from "../field.ts";
import { poseidon, poseidonList } from "../poseidon.ts";
import { checkpointLeaf, featureCommitment, lanePayable, rowScore, rowScoreOfDots } from "./row-scores.ts";

/** A point whose dot products with `unit` are the given integers. */
const unit = { r: [1n], x: [1n] };
const point = (rDot: bigint, xDot: bigint) => ({ r: [rDot], x: [xDot] });

describe("the gradient method's row score (docs/attribution.md §6)", () => {
  it("is floor(<r_t, r_i>·<x_t, x_i> / 2^32), toward minus infinity", () => {
    const t = { r: [65536n, -65536n, 0n], x: [65536n, 65536n] };
    expect(rowScore(t, { r: [1n, 0n, 0n], x: [1n, 1n] })).toBe(2n);
    expect(rowScore(t, { r: [0n, 1n, 0n], x: [1n, 1n] })).toBe(-2n);
    expect(rowScoreOfDots(-1n, 1n)).toBe(-1n);
    expect(rowScoreOfDots(1n, (1n << 32n) - 1n)).toBe(0n);
  });

  it("lies in [-2^52, 2^52): the circuit's range, refused beyond", () => {
    expect(rowScoreOfDots(1n << 32n, (1n << 52n) - 1n)).toBe((1n << 52n) - 1n);
    expect(rowScoreOfDots(-(1n << 32n), 1n << 52n)).toBe(-(1n << 52n));
    for (const [r, x] of [
      [1n << 32n, 1n << 52n],
      [-(1n << 32n), (1n << 52n) + 1n],
    ] as const) {
      expect(() => rowScore(point(r, 1n), point(1n, x))).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidEncoding }),
      );
    }
    expect(() => rowScore(unit, { r: [1n, 2n], x: [1n] })).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidEncoding }),
    );
  });

  it("pays a lane the sum of its positive rows only", () => {
    const rows = [point(1n, 5n << 32n), point(1n, -(7n << 32n)), point(1n, 3n << 32n)];
    expect(rows.map((row) => rowScore(unit, row))).toEqual([5n, -7n, 3n]);
    expect(lanePayable(unit, rows)).toBe(8n);
    expect(lanePayable(unit, [])).toBe(0n);
  });

  it("commits signed factors mod p: the feature list and the lane chain", () => {
    const t = { r: [-1n, 2n], x: [3n, 65536n] };
    expect(featureCommitment(t)).toBe(poseidonList([FIELD_MODULUS - 1n, 2n, 3n, 65536n]));
    const h1 = poseidonList([0n, FIELD_MODULUS - 1n, 2n, 3n, 65536n]);
    const h2 = poseidonList([h1, 4n, 5n, 6n, 7n]);
    const second = { r: [4n, 5n], x: [6n, 7n] };
    expect(checkpointLeaf(9n, [t, second])).toBe(poseidon([9n, h2]));
    expect(checkpointLeaf(9n, [])).toBe(poseidon([9n, 0n]));
    // Order matters: the chain is in registration order.
    expect(checkpointLeaf(9n, [second, t])).not.toBe(checkpointLeaf(9n, [t, second]));
  });
});
