import { describe, expect, it } from "vitest";
import {
  type QueueFacts,
  queueNextStep,
  queueStage,
  stagesBetween,
  WITHDRAWAL_STAGES,
  withdrawalNextStep,
  withdrawalStage,
} from "./stages.ts";
import { assembleStatus, describeStatus } from "./status.ts";

const OPEN = 10n ** 18n;
const none = { sealed: false, committed: false, proven: false, final: false, claimed: false };

describe("a withdrawal's stages", () => {
  it("is at the furthest fact that holds", () => {
    expect(withdrawalStage(none)).toBe("executed");
    expect(withdrawalStage({ ...none, sealed: true })).toBe("sealed");
    expect(withdrawalStage({ ...none, sealed: true, committed: true })).toBe("committed");
    expect(withdrawalStage({ ...none, sealed: true, committed: true, proven: true })).toBe("proven");
    const final = { sealed: true, committed: true, proven: true, final: true, claimed: false };
    expect(withdrawalStage(final)).toBe("final");
    expect(withdrawalStage({ ...final, claimed: true })).toBe("claimed");
  });

  it("lists every stage passed between two polls, each once", () => {
    expect(stagesBetween("executed", "proven")).toEqual(["sealed", "committed", "proven"]);
    expect(stagesBetween("proven", "proven")).toEqual([]);
    expect(stagesBetween(undefined, "claimed")).toEqual([...WITHDRAWAL_STAGES]);
  });

  it("says what to do next, and that a freeze before finality voids it in favour of the exit", () => {
    expect(withdrawalNextStep("committed", 5, false)).toBe("wait: a prover proves batch 5");
    expect(withdrawalNextStep("final", 5, false)).toBe("claim it: openledger bridge claim --batch 5");
    expect(withdrawalNextStep("proven", 5, true)).toMatch(/^void: .*openledger bridge exit/);
    // A final withdrawal stays claimable after a freeze (until the exit window closes).
    expect(withdrawalNextStep("final", 5, true)).toBe("claim it: openledger bridge claim --batch 5");
  });
});

describe("a queued operation's stages", () => {
  const facts = (o: Partial<QueueFacts>): QueueFacts => ({
    kind: "deposit",
    index: 3n,
    deadline: 1000n,
    now: 500n,
    queueCommitted: 0n,
    queueFinalized: 0n,
    refunded: false,
    ...o,
  });

  it("goes queued, committed, final", () => {
    expect(queueStage(facts({}))).toBe("queued");
    expect(queueStage(facts({ queueCommitted: 4n }))).toBe("committed");
    expect(queueStage(facts({ queueCommitted: 4n, queueFinalized: 4n }))).toBe("final");
    expect(queueNextStep("queued", facts({}))).toBe(
      "wait: the sequencer must process it by 1970-01-01T00:16:40.000Z",
    );
    expect(queueNextStep("final", facts({}))).toBe("nothing: credited on L2");
  });

  it("past its deadline, tells anyone to freeze", () => {
    expect(queueNextStep("queued", facts({ now: 1001n }))).toMatch(/^overdue: .*openledger bridge freeze/);
    expect(queueNextStep("committed", facts({ now: 1001n }))).toMatch(/^overdue: .*openledger bridge freeze/);
  });

  it("once frozen: an unprocessed deposit is refundable then refunded, a forced withdrawal void", () => {
    expect(queueStage(facts({ frozenQueueEnd: 3n }))).toBe("refundable");
    expect(queueStage(facts({ frozenQueueEnd: 3n, refunded: true }))).toBe("refunded");
    expect(queueStage(facts({ frozenQueueEnd: 3n, kind: "forced withdrawal" }))).toBe("void");
    // Processed by a final batch before the freeze: it stays final.
    expect(queueStage(facts({ frozenQueueEnd: 4n, queueFinalized: 4n }))).toBe("final");
    expect(queueNextStep("refundable", facts({}))).toBe("refund it: openledger bridge refund");
  });
});

describe("bridge status", () => {
  it("assembles each item with its stage and next step, and prints amounts in OPEN", () => {
    const status = assembleStatus(
      "0x0000000000000000000000000000000000000001",
      { now: 10n, queueCommitted: 2n, queueFinalized: 1n, frozenQueueEnd: 1n },
      {
        queued: [
          { kind: "deposit", index: 0n, account: 0, amount: 100n * OPEN, deadline: 5n, refunded: false },
          { kind: "deposit", index: 1n, account: 2, amount: (3n * OPEN) / 2n, deadline: 6n, refunded: false },
          {
            kind: "forced withdrawal",
            index: 2n,
            account: 2,
            amount: 10n * OPEN,
            deadline: 7n,
            refunded: false,
          },
        ],
        withdrawals: [
          {
            batch: 1,
            leafIndex: 0,
            amount: 40n * OPEN,
            facts: { sealed: true, committed: true, proven: true, final: true, claimed: true },
          },
        ],
        exits: [{ account: 2, exited: false }],
      },
    );
    expect(status.frozen).toBe(true);
    expect(status.rows.map((r) => [r.kind, r.stage])).toEqual([
      ["deposit", "final"],
      ["deposit", "refundable"],
      ["forced withdrawal", "void"],
      ["withdrawal", "claimed"],
      ["exit", "open"],
    ]);
    const text = describeStatus(status);
    expect(text).toMatch(/frozen/);
    expect(text).toMatch(
      /deposit\s+queue 1 to account 2\s+1.5 OPEN\s+refundable\s+refund it: openledger bridge refund/,
    );
    expect(text).toMatch(/exit\s+account 2\s+open\s+exit it: openledger bridge exit --account 2/);
    expect(
      describeStatus(
        assembleStatus(
          "0xabc",
          { now: 0n, queueCommitted: 0n, queueFinalized: 0n },
          { queued: [], withdrawals: [], exits: [] },
        ),
      ),
    ).toMatch(/nothing pending/);
  });
});
