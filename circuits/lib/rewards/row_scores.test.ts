/**
 * `RowScores(2, 4, 4, 3, 5)` against its TypeScript twin (protocol/rewards/row-scores.ts) on
 * hand-made factors at the edges real data does not reach: row scores at both ends of
 * [−2^52, 2^52), the floor of −1 and of 2^32 − 1, a score of exactly 0, padding slots holding
 * paying factors, an unused lane. Both sides refuse a score one past either end.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../protocol/errors.ts";
import { signedToField } from "../../../protocol/fixed-point.ts";
import {
  checkpointLeaf,
  featureCommitment,
  lanePayable,
  type RowFactors,
  rowScore,
} from "../../../protocol/rewards/row-scores.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { circuitOutputs, firstFailure } from "../../tools/witness.ts";

const [N, C, R, K, E] = [2, 4, 4, 3, 5];

let circuit: CompiledCircuit;
beforeAll(async () => {
  circuit = await compileCircuit("reward_row_scores_2x4x4_3x5", { log: () => {} });
}, 300_000);

/** A row whose score for `PROBE` is floor(s / 2^32): <r, (1,0,0)> = sign, <x, (1,0,0,0,0)> = |s|. */
const row = (s: bigint): RowFactors => ({
  r: [s < 0n ? -1n : 1n, 5n, 7n],
  x: [s < 0n ? -s : s, 11n, 0n, -13n, 65536n],
});
const PROBE: RowFactors = { r: [1n, 0n, 0n], x: [1n, 0n, 0n, 0n, 0n] };
/** An inference with factors of the sizes real data has (iris-like), blind to the probe's entry. */
const REAL: RowFactors = { r: [-320n, 67n, 253n], x: [0n, 0n, 135281n, 456309n, 65536n] };
const TOP = 1n << 84n;

interface Case {
  ids: bigint[];
  /** The committed rows of each lane (at most R). */
  lanes: RowFactors[][];
  /** Factors put in the padding slots, which must score nothing. */
  padding?: RowFactors;
}

function input({ ids, lanes, padding }: Case) {
  const zero: RowFactors = { r: Array(K).fill(0n), x: Array(E).fill(0n) };
  const slots = lanes.map((rows) => Array.from({ length: R }, (_, k) => rows[k] ?? padding ?? zero));
  const field = (v: bigint) => signedToField(v).toString();
  return {
    ids: ids.map(String),
    active: lanes.map((rows) => Array.from({ length: R }, (_, k) => (k < rows.length ? "1" : "0"))),
    rowR: slots.map((s) => s.map((f) => f.r.map(field))),
    rowX: slots.map((s) => s.map((f) => f.x.map(field))),
    testR: [PROBE, REAL].map((t) => t.r.map(field)),
    testX: [PROBE, REAL].map((t) => t.x.map(field)),
  };
}

/** What the twin says RowScores outputs: leaves, feature commitments, payable[i][j]. */
function twin({ ids, lanes }: Case): bigint[] {
  return [
    ...ids.map((id, j) => (id === 0n ? 0n : checkpointLeaf(id, lanes[j]!))),
    ...[PROBE, REAL].map(featureCommitment),
    ...[PROBE, REAL].flatMap((t) => lanes.map((rows) => lanePayable(t, rows))),
  ];
}

describe("RowScores: the twin of protocol/rewards/row-scores.ts", () => {
  const edges: Case = {
    ids: [7n, 8n, 9n, 0n],
    lanes: [
      [row(TOP - 1n), row(-TOP), row(-1n), row((1n << 32n) - 1n)],
      [row(1n << 32n), row(0n), row(-(1n << 33n))],
      [row(5n << 40n)],
      [],
    ],
    padding: row(TOP - 1n),
  };

  it("gives the twin's leaves, feature commitments and payable sums at the ends of the range", async () => {
    expect(edges.lanes[0]!.map((f) => rowScore(PROBE, f))).toEqual([(1n << 52n) - 1n, -(1n << 52n), -1n, 0n]);
    expect(edges.lanes[1]!.map((f) => rowScore(PROBE, f))).toEqual([1n, 0n, -2n]);
    const expected = twin(edges);
    expect(expected.slice(C + N, C + N + C)).toEqual([(1n << 52n) - 1n, 1n, 5n << 8n, 0n]);
    // The realistic inference is paid by some lanes too, and the padding would pay it.
    expect(expected.slice(C + N + C).some((v) => v > 0n)).toBe(true);
    expect(rowScore(REAL, edges.padding!)).toBeGreaterThan(0n);
    expect(await circuitOutputs(circuit, input(edges), C + N + N * C)).toEqual(expected);
  });

  it("scores nothing in a padding slot, and leaves it out of the leaf", async () => {
    const bare = { ...edges, padding: undefined };
    expect(await circuitOutputs(circuit, input(bare), C + N + N * C)).toEqual(twin(edges));
  });

  it("refuses a row score of 2^52 or below −2^52, as the twin does", async () => {
    for (const s of [TOP, -TOP - 1n]) {
      const beyond: Case = { ids: [7n, 0n, 0n, 0n], lanes: [[row(s)], [], [], []] };
      expect(() => rowScore(PROBE, beyond.lanes[0]![0]!)).toThrow(
        expect.objectContaining({ code: ErrorCode.InvalidEncoding }),
      );
      expect(await firstFailure(circuit, input(beyond))).toMatch(/Error in template Num2Bits_\d+ line: \d+/);
    }
  });
});
