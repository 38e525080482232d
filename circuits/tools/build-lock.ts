/**
 * A cross-process lock (a folder made with mkdir, holding the owner's pid) so that two
 * vitest workers needing the same circuit build it once: the second waits for the first
 * instead of compiling and running the same setup again on the same two cores.
 * A lock whose owner process is gone is taken over.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const POLL_MS = 250;
/** A lock folder without a pid file older than this was left by a crash between mkdir and write. */
const ORPHAN_MS = 60_000;

export async function withBuildLock<T>(lock: string, onWait: () => void, fn: () => Promise<T>): Promise<T> {
  let waited = false;
  while (!(await tryAcquire(lock))) {
    if (!waited) onWait();
    waited = true;
    if (await isStale(lock)) await rm(lock, { recursive: true, force: true });
    else await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function tryAcquire(lock: string): Promise<boolean> {
  try {
    await mkdir(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  await writeFile(join(lock, "pid"), String(process.pid));
  return true;
}

async function isStale(lock: string): Promise<boolean> {
  const pid = Number(await readFile(join(lock, "pid"), "utf8").catch(() => NaN));
  if (Number.isNaN(pid)) {
    const created = await stat(lock).then(
      (s) => s.mtimeMs,
      () => Date.now(),
    );
    return Date.now() - created > ORPHAN_MS;
  }
  return !isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
