import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { request, Agent } from "node:http";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { createInterface } from "node:readline";
import { Worker } from "node:worker_threads";
import { depositParam, tempDir } from "../sequencer/testing.ts";

/**
 * npm run bench:sequencer [-- --quick]: sustained accepted transactions per second of a real
 * sequencer process (LevelDB on disk, production tree sizes, signature workers) under a
 * closed-loop load of signed transfers over HTTP on 127.0.0.1, and the latency of each
 * answer; then a light phase with a few clients shows the latency of an unsaturated node.
 * Transactions are signed before the server starts, so signing does not compete with it. The last stdout line is the JSON result, also written to bench/results/sequencer.json.
 */
const quick = process.argv.includes("--quick");
const SENDERS = quick ? 32 : 64;
const PER_SENDER = quick ? 60 : 160;
const VERIFY_WORKERS = Number(process.env.VERIFY_WORKERS ?? 2);
const BATCH_MAX_TXS = 512;
const BATCH_INTERVAL_MS = 1000;
/** A second, light phase: this many clients, to show latency when the node is not saturated. */
const LIGHT_SENDERS = 4;
const WARMUP = 4;
const LIGHT_PER_SENDER = quick ? 40 : 100;

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

async function presign(): Promise<Record<number, string[]>> {
  const workers = Math.max(1, availableParallelism());
  const all = Array.from({ length: SENDERS }, (_, i) => i + 1);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const jobs = all
        .filter((s) => s % workers === w)
        .map((s) => [s, PER_SENDER + (s <= LIGHT_SENDERS ? LIGHT_PER_SENDER : 0)]);
      return new Promise<Record<number, string[]>>((resolve, reject) => {
        const worker = new Worker(new URL("./sign-worker.ts", import.meta.url), {
          workerData: { jobs, accounts: SENDERS },
          execArgv: ["--import", "tsx"],
        });
        worker.once("message", (m) => {
          resolve(m);
          void worker.terminate();
        });
        worker.once("error", reject);
      });
    }),
  );
  return Object.assign({}, ...parts);
}

function startSequencer(dataDir: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    process.execPath,
    [
      "bin/openledger.mjs",
      "sequencer",
      ...["--data-dir", dataDir, "--port", "0", "--params", "production", "--rpc-deposits"],
      ...["--batch-max-txs", String(BATCH_MAX_TXS), "--batch-interval-ms", String(BATCH_INTERVAL_MS)],
      ...["--verify-workers", String(VERIFY_WORKERS), "--rate-limit", "1000000"],
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NODE_OPTIONS: process.env.SEQ_NODE_OPTIONS ?? "" },
    },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as { msg?: string; url?: string };
      if (msg.msg === "sequencer listening") resolve({ proc, url: msg.url! });
    });
    proc.once("exit", (code) => reject(new Error(`sequencer exited with ${code}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function call(
  url: string,
  method: string,
  params: unknown[],
): Promise<{ result?: unknown; error?: { message: string } }> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/rpc`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Closed loop: `clients` senders each send their transactions one after the other. */
async function phase(url: string, clients: number, txsOf: (sender: number) => string[]) {
  const latencies: number[] = [];
  let rejected = 0;
  let firstError: string | undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      for (const hex of txsOf(i + 1)) {
        const t0 = performance.now();
        const r = await call(url, "ol_sendTransaction", [`0x${hex}`]);
        latencies.push(performance.now() - t0);
        if (r.error) {
          rejected++;
          firstError ??= r.error.message;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const txs = latencies.length;
  return {
    txs,
    accepted: txs - rejected,
    rejected,
    firstError: firstError ?? null,
    seconds: Number(seconds.toFixed(2)),
    acceptedTxPerSec: Math.round((txs - rejected) / seconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    maxMs: Number(latencies[txs - 1]!.toFixed(2)),
  };
}

async function main(): Promise<void> {
  log(
    `signing ${SENDERS * PER_SENDER + LIGHT_SENDERS * LIGHT_PER_SENDER} transfers from ${SENDERS} senders...`,
  );
  const signed = await presign();
  const dir = tempDir("bench");
  const { proc, url } = await startSequencer(dir);
  try {
    for (let i = 0; i < SENDERS; i++) {
      const r = await call(url, "ol_submitDeposit", [depositParam(i, i + 1, 10n ** 24n)]);
      if (r.error) throw new Error(r.error.message);
    }
    log(`sequencer at ${url}, ${SENDERS} accounts funded; loading...`);
    // Warm-up, not measured: workers build each key's precomputed table on its third use.
    await phase(url, SENDERS, (s) => signed[s]!.slice(0, WARMUP));
    const loadAverage = loadavg()[0]!;
    const full = await phase(url, SENDERS, (s) => signed[s]!.slice(WARMUP, PER_SENDER));
    const batches = (await call(url, "ol_getBatchNumber", [])).result;
    log(`saturated: ${full.acceptedTxPerSec} tx/s; light phase with ${LIGHT_SENDERS} clients...`);
    const light = await phase(url, LIGHT_SENDERS, (s) => signed[s]!.slice(PER_SENDER));
    const result = {
      benchmark: "sequencer",
      quick,
      ...full,
      concurrency: SENDERS,
      batchesSealedDuringLoad: batches,
      lightLoad: { concurrency: LIGHT_SENDERS, ...light },
      warmupTxsPerSender: WARMUP,
      verifyWorkers: VERIFY_WORKERS,
      params: "production (accounts 4^12)",
      storage: "LevelDB on disk, write-ahead before each answer",
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      // The machine is shared: the 1-minute load average when the load started.
      loadAverage: Number(loadAverage.toFixed(2)),
      node: process.version,
      date: new Date().toISOString(),
    };
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/sequencer.json", `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    proc.kill(process.env.SEQ_NODE_OPTIONS ? "SIGINT" : "SIGKILL");
    agent.destroy();
  }
}

await main();
