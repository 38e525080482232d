import { describe, expect, it } from "vitest";
import { treasuryAccountAt } from "./treasury-account.ts";

describe("treasuryAccountAt", () => {
  // Out of order on purpose: the position decides, not the order the logs came in.
  const changes = [
    { block: 20, logIndex: 3, account: 7 },
    { block: 10, logIndex: 0, account: 4 },
    { block: 20, logIndex: 1, account: 5 },
  ];

  it("is the last change logged before the position, within a block by log index", () => {
    expect(treasuryAccountAt(changes, { block: 15, logIndex: 0 })).toBe(4);
    expect(treasuryAccountAt(changes, { block: 20, logIndex: 2 })).toBe(5);
    expect(treasuryAccountAt(changes, { block: 20, logIndex: 4 })).toBe(7);
    expect(treasuryAccountAt(changes, { block: 30, logIndex: 0 })).toBe(7);
  });

  it("does not count a change logged at or after the position", () => {
    expect(treasuryAccountAt(changes, { block: 20, logIndex: 1 })).toBe(4);
  });

  it("refuses a position before any change: no settlement commits without a treasury", () => {
    expect(() => treasuryAccountAt(changes, { block: 10, logIndex: 0 })).toThrow(
      expect.objectContaining({
        code: "STATE_CORRUPT",
        message: expect.stringMatching(/no treasury account/),
      }),
    );
  });
});
