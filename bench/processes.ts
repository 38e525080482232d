import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** Helpers the benchmarks share for the servers they run as their own processes. */

/** `openledger store` on a free port over `dataDir`; resolves once it listens. */
export function startStoreProcess(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    ["bin/openledger.mjs", "store", "--data-dir", dataDir, "--port", "0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { msg?: string; url?: string };
      if (msg.msg === "store listening") resolve({ proc, url: msg.url! });
    });
    proc.once("exit", (code) => reject(new Error(`store exited with ${code}`)));
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
