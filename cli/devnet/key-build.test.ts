import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";
import { KeyBuild, progressLine } from "./key-build.ts";

// Inside the repository (circom2's sandbox) and git-ignored; a fresh cache, so builds really run.
const buildDir = join("data", `test-key-build-${process.pid}`);

describe("devnet key build: a child process with progress, stoppable mid-build", () => {
  afterAll(() => rm(join(REPO_ROOT, buildDir), { recursive: true, force: true }));

  it("draws the progress bar from the steps done", () => {
    expect(progressLine(0, "starting", 0)).toBe(`[${"░".repeat(24)}] 0/3 starting · 0s`);
    expect(progressLine(2, "Groth16 proving key", 125_000)).toBe(
      `[${"█".repeat(16)}${"░".repeat(8)}] 2/3 Groth16 proving key · 2m05s`,
    );
  });

  it(
    "builds a circuit's keys, reporting each step, and returns its artifacts",
    { timeout: 120_000 },
    async () => {
      const lines: string[] = [];
      // Self-contained (no circomlib include), so a worktree whose node_modules is a link builds it too.
      const build = new KeyBuild("batch_input_stub", { buildDir, progress: (l) => lines.push(l) });
      const artifacts = await build.done;
      expect(artifacts.zkey).toContain(buildDir);
      expect(artifacts.setupRan).toBe(true);
      expect(lines.some((l) => l.includes("compiling the circuit"))).toBe(true);
      expect(lines.at(-1)).toMatch(/^batch_input_stub keys \[█{24}\] 3\/3 /);
      await build.stop();
    },
  );

  it(
    "stops mid-build: the build and its processes end, no temporary folder stays",
    { timeout: 60_000 },
    async () => {
      let compiling!: () => void;
      const started = new Promise<void>((resolve) => (compiling = resolve));
      const build = new KeyBuild("merkle_update_8x2", {
        buildDir,
        progress: (l) => l.includes("compiling") && compiling(),
      });
      await started;
      const pid = build.pid;
      await build.stop();
      await expect(build.done).rejects.toThrow(/ended \(SIGTERM|exit 143\)/);
      // Nothing left in the build's process group (the circom2 compiler included).
      expect(() => process.kill(-pid, 0)).toThrow(/ESRCH/);
      const left = await readdir(join(REPO_ROOT, buildDir, "merkle_update_8x2")).catch(() => []);
      expect(left.filter((f) => f.startsWith(".tmp-"))).toEqual([]);
    },
  );
});
