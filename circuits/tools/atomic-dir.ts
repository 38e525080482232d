/**
 * Build into a private temporary folder, then rename it into place: a reader never sees a
 * half-written folder, even after a crash. A lock makes concurrent builders of the same
 * artifact (two vitest workers) build it once.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { withBuildLock } from "./build-lock.ts";

export async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Runs `fill(tmpDir)` unless `target` exists, then moves tmpDir to `target`. Concurrent
 * callers for the same target wait on a lock (`onWait` tells them) and then find it built.
 * Returns true if this call built it.
 */
export async function buildAtomically(
  target: string,
  fill: (tmpDir: string) => Promise<void>,
  onWait: () => void = () => {},
): Promise<boolean> {
  if (await isDirectory(target)) return false;
  await mkdir(dirname(target), { recursive: true });
  return withBuildLock(`${target}.lock`, onWait, async () => {
    if (await isDirectory(target)) return false;
    const tmp = join(dirname(target), `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
    await mkdir(tmp, { recursive: true });
    try {
      await fill(tmp);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return true;
  });
}

/** Write a file via a temporary sibling and rename; left untouched (mtime too) when already equal. */
export async function writeFileIfChanged(path: string, content: string): Promise<void> {
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === content) return;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
