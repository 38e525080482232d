import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.ts";
import { tempDir } from "../testing.ts";
import { FinalizedMirror } from "./mirror.ts";
import { finalEntries, MIRROR_GENESIS } from "./test/entries.ts";

const ENTRIES = 40;
const entries = [...finalEntries(ENTRIES)];

/**
 * Runs the advancing child on `dir` and kills it with SIGKILL once it has written entry
 * `at`: it is then already applying the next one, so the kill lands in or between writes.
 */
function advanceAndKill(dir: string, at: number): Promise<number> {
  const child = spawn(
    "node_modules/.bin/node",
    ["--import", "tsx", "sequencer/finalized/test/advance-child.ts", dir, String(ENTRIES)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let last = 0;
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      last = Number(line.split(" ")[1]);
      if (last === at) child.kill("SIGKILL");
    });
    child.on("exit", () => resolve(last));
  });
}

describe("the finalized mirror", () => {
  it("survives kill -9 mid-advance: it reopens at an entry it wrote, with that entry's root, and resumes", async () => {
    const dir = tempDir("mirror-kill");
    let reached = 0;
    for (const at of [5, 20, 35]) {
      const printed = await advanceAndKill(dir, at);
      const mirror = await FinalizedMirror.open(dir, MIRROR_GENESIS, { cacheNodes: 64 });
      try {
        // Atomic per entry: never behind what it said it wrote, never part of an entry.
        expect(mirror.entry).toBeGreaterThanOrEqual(printed);
        expect(mirror.entry).toBeGreaterThanOrEqual(reached);
        if (mirror.entry > 0)
          expect(mirror.state.root()).toBe(entries[mirror.entry - 1]!.record.postStateRoot);
        reached = mirror.entry;
      } finally {
        await mirror.close();
      }
    }
    expect(reached).toBeLessThan(ENTRIES);
    const mirror = await FinalizedMirror.open(dir, MIRROR_GENESIS, { cacheNodes: 64 });
    try {
      for (const e of entries.slice(mirror.entry)) await mirror.advance(e);
      expect(mirror.state.root()).toBe(entries.at(-1)!.record.postStateRoot);
      expect((await mirror.header()).counters.accounts).toBe(ENTRIES);
    } finally {
      await mirror.close();
    }
  });

  it("refuses an entry that does not reach its sealed root, and stops there", async () => {
    const mirror = await FinalizedMirror.open(tempDir("mirror-bad"), MIRROR_GENESIS, { cacheNodes: 64 });
    try {
      const [first, second] = entries;
      await mirror.advance(first!);
      const wrong = { ...second!, record: { ...second!.record, postStateRoot: 1n } } as typeof second;
      await expect(mirror.advance(wrong!)).rejects.toMatchObject({
        code: ErrorCode.StateCorrupt,
        message: expect.stringMatching(
          /applies entry 2 to state root 0x[0-9a-f]+, but it was sealed with 0x0*1;/,
        ),
      });
      await expect(mirror.advance(second!)).rejects.toMatchObject({ code: ErrorCode.StateCorrupt });
      expect(mirror.entry).toBe(1);
    } finally {
      await mirror.close();
    }
  });
});
