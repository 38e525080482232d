import { describe, expect, it } from "vitest";
import { scoresCommitment } from "../../protocol/rewards/commitment.ts";
import {
  checkCommitment,
  compareScores,
  liveLogs,
  type PublishedSettlement,
  type ReplayReport,
  replayExitCode,
} from "./replay.ts";
import { replayTable } from "./replay-table.ts";

const SHAPE = { inferences: 2, contributions: 4 };
const data = {
  epoch: 3,
  model: 1,
  proverAccount: 9,
  inferences: [4, 7],
  scores: [
    [5n, 0n, 2n],
    [1n, 1n, 0n],
  ],
};
const honest: PublishedSettlement = {
  entry: 12,
  data,
  scoresCommitment: scoresCommitment(data, SHAPE),
  committed: { epoch: 3, model: 1, proverAccount: 9 },
  l1TxHash: "0xabc",
};

const report = (over: Partial<ReplayReport["settlements"][number]> = {}): ReplayReport => ({
  epoch: 3,
  method: "knnShapley",
  source: "l1",
  settlements: [
    {
      entry: 12,
      model: 1,
      proverAccount: 9,
      l1TxHash: "0xabc",
      commitment: checkCommitment(honest, SHAPE),
      inferences: [
        { inference: 4, status: "match" },
        { inference: 7, status: "match" },
      ],
      ...over,
    },
  ],
});

describe("compareScores", () => {
  it("matches equal rows and names every contribution whose score differs", () => {
    expect(compareScores(4, [2, 5, 6], [5n, 0n, 2n], [5n, 0n, 2n])).toEqual({
      inference: 4,
      status: "match",
    });
    expect(compareScores(4, [2, 5, 6], [5n, 0n, 2n], [5n, 1n, 2n])).toEqual({
      inference: 4,
      status: "mismatch",
      differences: [{ contribution: 5, expected: 0n, published: 1n }],
    });
  });

  it("reports a lane one side lacks, past the training set too", () => {
    expect(compareScores(1, [2], [5n], [5n, 0n])).toMatchObject({
      status: "mismatch",
      differences: [{ contribution: undefined, expected: undefined, published: 0n }],
    });
  });
});

describe("checkCommitment", () => {
  it("accepts published scores that hash to the committed value", () => {
    expect(checkCommitment(honest, SHAPE)).toEqual({
      published: honest.scoresCommitment,
      recomputed: honest.scoresCommitment,
      differing: [],
      matches: true,
    });
  });

  it("flags published data naming another model, epoch or prover than the commit did", () => {
    const other = { ...honest, data: { ...data, model: 2, proverAccount: 8 } };
    expect(checkCommitment(other, SHAPE)).toMatchObject({
      recomputed: honest.scoresCommitment,
      differing: ["model: data 2, committed 1", "proverAccount: data 8, committed 9"],
      matches: false,
    });
    const r = report({ commitment: checkCommitment(other, SHAPE) });
    expect(replayExitCode(r)).toBe(1);
    expect(replayTable(r)).toContain("entry 12: MISMATCH: model: data 2, committed 1");
  });

  it("flags scores that do not hash to it: one score changed, or more lanes than the circuit has", () => {
    const changed = {
      ...honest,
      data: {
        ...data,
        scores: [
          [5n, 0n, 3n],
          [1n, 1n, 0n],
        ],
      },
    };
    expect(checkCommitment(changed, SHAPE).matches).toBe(false);
    const wide = {
      ...honest,
      data: {
        ...data,
        scores: [
          [1n, 1n, 1n, 1n, 1n],
          [0n, 0n, 0n, 0n, 0n],
        ],
      },
    };
    expect(checkCommitment(wide, SHAPE)).toMatchObject({ recomputed: undefined, matches: false });
  });
});

describe("replayExitCode and replayTable", () => {
  it("0 when all match, 1 on a mismatch (before errors), 2 when only errors", () => {
    expect(replayExitCode(report())).toBe(0);
    const error = { inference: 7, status: "error", code: "NOT_FOUND", message: "no copy" } as const;
    expect(replayExitCode(report({ inferences: [{ inference: 4, status: "match" }, error] }))).toBe(2);
    const mismatch = {
      inference: 4,
      status: "mismatch",
      differences: [{ contribution: 5, expected: 0n, published: 1n }],
    } as const;
    const both = report({ inferences: [mismatch, error] });
    expect(replayExitCode(both)).toBe(1);
    expect(replayTable(both)).toContain(
      "12     4          1      MISMATCH contribution 5: expected 0, published 1",
    );
    expect(replayTable(both)).toContain("2 inferences: 0 match, 1 MISMATCH, 1 not replayed");
    const badCommitment = report({
      commitment: { ...checkCommitment(honest, SHAPE), recomputed: 1n, matches: false },
    });
    expect(replayExitCode(badCommitment)).toBe(1);
    expect(replayTable(badCommitment)).toMatch(
      /entry 12: MISMATCH: published scores hash to 0x0+1, L1 committed 0x/,
    );
  });
});

describe("liveLogs", () => {
  it("drops a settlement log a later revert covers, or a later commit of the same entry replaces", () => {
    const logs = [
      { block: 10, index: 0, entry: 5 },
      { block: 11, index: 0, entry: 6 },
      { block: 20, index: 1, entry: 6 },
      { block: 21, index: 0, entry: 8 },
    ];
    const reverts = [
      { block: 15, index: 0, from: 6, to: 7 },
      { block: 9, index: 0, from: 5, to: 5 }, // before the commit of 5: a revert of an earlier 5
    ];
    expect(liveLogs(logs, reverts)).toEqual([logs[0], logs[2], logs[3]]);
  });
});
