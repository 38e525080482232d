import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fieldToHex } from "../protocol/field.ts";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { verifyProof } from "../protocol/smt.ts";
import { depositParam, tempDir } from "../sequencer/testing.ts";
import { Connection, rpcRequest } from "./sequencer-client.ts";

/**
 * npm run bench:state [-- --accounts 50000,200000]: for each size, a real sequencer process
 * (`--params production`, LevelDB on disk) opens that many accounts by deposits over HTTP,
 * is killed with SIGKILL, and is started again over the same data directory. Measured: the
 * deposit rate, the restart time (spawn to "listening", the process's start-up included; and
 * spawn to the "state recovered" log line, before the signature workers are waited for), the
 * RSS after the restart and again after account proofs were served, ol_getAccount latency
 * p50/p99 over random accounts (each proof checked against the root it came with), and the
 * data directory's size. The deposits run without fsync (each answer is still in LevelDB's
 * log before it is sent, so it survives kill -9; fsync is the power-loss guarantee and only
 * slows the fill). The last stdout line is the JSON result, also written to
 * bench/results/state.json.
 *
 * BASELINE_ROOT=<checkout> runs that checkout's sequencer instead (the same measurement of
 * another version, e.g. before a change); its result goes to bench/results/state-baseline.json.
 */
const sizes = (argValue("--accounts") ?? "50000").split(",").map(Number);
const PROOFS = 2000;
/** Deposit keys cycle through these (an account's key need not be unique; deriving is slow). */
const KEYS = 256;
const root = process.env.BASELINE_ROOT ?? join(import.meta.dirname, "..");
const cacheNodes = process.env.STATE_CACHE_NODES;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** A sequencer process; `recoveredSeconds`: from spawn to its "state recovered" log line. */
function startSequencer(
  dataDir: string,
): Promise<{ proc: ChildProcess; port: number; recoveredSeconds?: number }> {
  const spawned = performance.now();
  let recoveredSeconds: number | undefined;
  const proc = spawn(
    join(root, "node_modules/.bin/node"),
    [
      "bin/openledger.mjs",
      "sequencer",
      ...["--data-dir", dataDir, "--port", "0", "--params", "production", "--rpc-deposits"],
      ...["--batch-max-txs", "512", "--batch-interval-ms", "500", "--rate-limit", "100000000"],
      ...["--verify-workers", "1", "--no-fsync"],
      ...(cacheNodes ? ["--state-cache-nodes", cacheNodes] : []),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { msg?: string; url?: string };
      if (msg.msg === "state recovered and checked") recoveredSeconds = (performance.now() - spawned) / 1000;
      if (msg.msg === "sequencer listening") {
        resolve({ proc, port: Number(new URL(msg.url!).port), recoveredSeconds });
      }
    });
    proc.once("exit", (code) => reject(new Error(`sequencer exited with ${code}`)));
  });
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/)!;
  return Math.round(Number(line[1]) / 1024);
}

function diskMb(dir: string): number {
  return (
    Math.round(Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0]) / 102.4) / 10
  );
}

async function call(c: Connection, method: string, params: unknown[]): Promise<unknown> {
  const r = await c.send(rpcRequest(method, params));
  if (r.error) throw new Error(`${method}: ${r.error.message}`);
  return r.result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const kill = (proc: ChildProcess) =>
  new Promise<void>((resolve) => {
    proc.once("exit", () => resolve());
    proc.kill("SIGKILL");
  });

interface AccountAnswer {
  readonly proof: { stateRoot: string; accountsRoot: string; leaf: string; siblings: string[][] };
}

/** Proof latencies over random accounts; every proof is checked against its accounts root. */
async function proofs(c: Connection, accounts: number): Promise<{ p50: number; p99: number }> {
  const ms: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const id = 1 + Math.floor(Math.random() * accounts);
    const t = performance.now();
    const { proof } = (await call(c, "ol_getAccount", [id])) as AccountAnswer;
    ms.push(performance.now() - t);
    const checked = verifyProof(PRODUCTION_PARAMS.accounts, BigInt(proof.accountsRoot), {
      index: BigInt(id),
      leaf: BigInt(proof.leaf),
      siblings: proof.siblings.map((level) => level.map(BigInt)),
    });
    if (!checked) throw new Error(`the proof of account ${id} does not verify against its root`);
  }
  ms.sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(2));
  return { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) };
}

async function measure(accounts: number) {
  const dir = tempDir("bench-state");
  try {
    let { proc, port } = await startSequencer(dir);
    let c = new Connection(port);
    const params = Array.from({ length: KEYS }, (_, k) => depositParam(0, k, 10n ** 18n));
    log(`${accounts} accounts: depositing...`);
    const t0 = performance.now();
    for (let i = 0; i < accounts; i++) {
      await call(c, "ol_submitDeposit", [{ ...params[i % KEYS]!, queueIndex: String(i) }]);
      if ((i + 1) % 50_000 === 0) log(`  ${i + 1} deposits`);
    }
    const depositSeconds = (performance.now() - t0) / 1000;
    // Let the last batch seal, as a node that has run a while would have; the kill may still
    // catch a write (the restart then replays its write-ahead entries).
    await new Promise((r) => setTimeout(r, 1500));
    const before = (await call(c, "ol_getAccount", [accounts])) as AccountAnswer;
    const rssBeforeKill = rssMb(proc.pid!);
    c.close();
    await kill(proc);
    log(`  killed; restarting...`);
    const t1 = performance.now();
    const restarted = await startSequencer(dir);
    ({ proc, port } = restarted);
    const restartSeconds = (performance.now() - t1) / 1000;
    const rssAfterRestart = rssMb(proc.pid!);
    c = new Connection(port);
    const after = (await call(c, "ol_getAccount", [accounts])) as AccountAnswer;
    if (after.proof.stateRoot !== before.proof.stateRoot) {
      throw new Error(
        `state root ${after.proof.stateRoot} after the restart, ${before.proof.stateRoot} before`,
      );
    }
    const latency = await proofs(c, accounts);
    const rssAfterProofs = rssMb(proc.pid!);
    c.close();
    await kill(proc);
    const result = {
      accounts,
      depositsPerSec: Math.round(accounts / depositSeconds),
      restartSeconds: Number(restartSeconds.toFixed(2)),
      // Spawn to the recovery's log line: start-up and recovery, not the workers' warm-up after it.
      recoveredSeconds: Number(restarted.recoveredSeconds?.toFixed(2)),
      rssMb: rssAfterRestart,
      rssAfterProofsMb: rssAfterProofs,
      rssBeforeKillMb: rssBeforeKill,
      proofP50Ms: latency.p50,
      proofP99Ms: latency.p99,
      diskMb: diskMb(dir),
      stateRoot: fieldToHex(BigInt(after.proof.stateRoot)),
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAverage = loadavg()[0]!;
const runs = [];
for (const n of sizes) runs.push(await measure(n));
const result = {
  benchmark: "state",
  version: process.env.BASELINE_ROOT ? `baseline at ${process.env.BASELINE_ROOT}` : "this checkout",
  ...runs[runs.length - 1]!,
  runs,
  stateCacheNodes: cacheNodes ? Number(cacheNodes) : "default",
  params: `production (accounts ${PRODUCTION_PARAMS.accounts.arity}^${PRODUCTION_PARAMS.accounts.depth})`,
  restart: "SIGKILL, then spawn to 'sequencer listening' (process start-up included)",
  proofs: `${PROOFS} ol_getAccount calls over random accounts, one at a time, each proof verified`,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  // The machine is shared: the 1-minute load average when the run started.
  loadAverage: Number(loadAverage.toFixed(2)),
  node: process.version,
  date: new Date().toISOString(),
};
const out = join(
  import.meta.dirname,
  "results",
  process.env.BASELINE_ROOT ? "state-baseline.json" : "state.json",
);
mkdirSync(join(import.meta.dirname, "results"), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
