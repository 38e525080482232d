import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAtomically } from "./atomic-dir.ts";

describe("buildAtomically", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "atomic-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("builds once when two callers race for the same target; the other waits and reuses it", async () => {
    const target = join(dir, "race");
    let fills = 0;
    let waits = 0;
    const fill = async (tmp: string) => {
      fills++;
      await sleep(300);
      await writeFile(join(tmp, "out.txt"), "built");
    };
    const results = await Promise.all([
      buildAtomically(target, fill, () => waits++),
      buildAtomically(target, fill, () => waits++),
    ]);
    expect(fills).toBe(1);
    expect(waits).toBe(1);
    expect(results.sort()).toEqual([false, true]);
    expect(await readFile(join(target, "out.txt"), "utf8")).toBe("built");
    expect(await readdir(dir)).toEqual(["race"]);
  });

  it("leaves nothing behind when the build fails, and takes over a lock left by a dead process", async () => {
    const target = join(dir, "fails");
    await expect(
      buildAtomically(target, async () => {
        throw new Error("compiler crashed");
      }),
    ).rejects.toThrow("compiler crashed");
    expect(await readdir(dir)).not.toContain("fails");

    await mkdir(`${target}.lock`);
    await writeFile(join(`${target}.lock`, "pid"), "4194303");
    expect(await buildAtomically(target, (tmp) => writeFile(join(tmp, "ok"), ""))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(["fails", "race"]);
  });
});
