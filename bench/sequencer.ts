import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { createInterface } from "node:readline";
import { Worker } from "node:worker_threads";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { depositParam, tempDir } from "../sequencer/testing.ts";
import { Connection, rpcRequest } from "./sequencer-client.ts";
import { microBenchmarks } from "./sequencer-micro.ts";
import { cpuSeconds } from "./processes.ts";

/**
 * npm run bench:sequencer [-- --quick]: a real sequencer process (LevelDB on disk,
 * production tree sizes, signature workers) loaded with signed transfers over HTTP on
 * 127.0.0.1, in three timed phases:
 *  - saturated: SENDERS closed-loop clients, each sending its next transaction when the last
 *    is answered: the most the node accepts per second, and the latency at that load;
 *  - light: LIGHT_SENDERS closed-loop clients: the latency of an unsaturated node;
 *  - sustained: an open loop offering TARGET_RATE transactions a second for RATE_SECONDS,
 *    round-robin over RATE_SENDERS senders, each latency counted from the moment its
 *    transaction was due (a late send counts against the node): whether the node keeps up
 *    with the target rate, and at what latency.
 * Before the node starts, single-core micro-benchmarks of the signature worker's steps run
 * in this process. Transactions are signed and their requests built before the server
 * starts, so none of that competes with it. The last stdout line is the JSON result, also
 * written to bench/results/sequencer.json.
 */
const quick = process.argv.includes("--quick");
const SENDERS = quick ? 32 : 64;
const PER_SENDER = quick ? 60 : 160;
const VERIFY_WORKERS = Number(process.env.VERIFY_WORKERS ?? 2);
/** FSYNC=0 runs the node with --no-fsync, to see what durability against power loss costs. */
const FSYNC = process.env.FSYNC !== "0";
const BATCH_MAX_TXS = 512;
const BATCH_INTERVAL_MS = 1000;
const LIGHT_SENDERS = 4;
const LIGHT_PER_SENDER = quick ? 40 : 100;
const TARGET_RATE = Number(process.env.TARGET_RATE ?? 2000);
/** How long the open loop offers TARGET_RATE: long enough in a full run to cross many batch seals. */
const RATE_SECONDS = Number(process.env.RATE_SECONDS ?? (quick ? 3 : 30));
const RATE_SENDERS = 256;
/** Connections of the open loop's pool. */
const RATE_CONNECTIONS = 64;
const WARMUP = 4;

function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

/** Transactions each sender signs, in the order the phases use them. */
function plan(sender: number): number {
  const rateTxs = Math.ceil((TARGET_RATE * RATE_SECONDS) / RATE_SENDERS);
  return (
    WARMUP + (sender <= SENDERS ? PER_SENDER : 0) + (sender <= LIGHT_SENDERS ? LIGHT_PER_SENDER : 0) + rateTxs
  );
}

async function presign(): Promise<Record<number, Buffer[]>> {
  const workers = Math.max(1, availableParallelism());
  const all = Array.from({ length: RATE_SENDERS }, (_, i) => i + 1);
  const parts = await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const jobs = all.filter((s) => s % workers === w).map((s) => [s, plan(s)]);
      return new Promise<Record<number, string[]>>((resolve, reject) => {
        const worker = new Worker(new URL("./sign-worker.ts", import.meta.url), {
          workerData: { jobs, accounts: RATE_SENDERS },
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
  const hex: Record<number, string[]> = Object.assign({}, ...parts);
  const out: Record<number, Buffer[]> = {};
  for (const [s, list] of Object.entries(hex))
    out[Number(s)] = list.map((h) => rpcRequest("ol_sendTransaction", [`0x${h}`]));
  return out;
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
      ...(FSYNC ? [] : ["--no-fsync"]),
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

/** Runs a phase and adds the CPU the server and this load generator spent per transaction. */
async function measured<T extends { txs: number }>(serverPid: number, run: () => Promise<T>) {
  const server0 = cpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const r = await run();
  const client = process.cpuUsage(client0);
  const perTx = (seconds: number) => Number(((seconds * 1000) / r.txs).toFixed(3));
  return {
    ...r,
    serverCpuMsPerTx: perTx(cpuSeconds(serverPid) - server0),
    clientCpuMsPerTx: perTx((client.user + client.system) / 1e6),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(latencies: number[], rejected: number, firstError: string | undefined, seconds: number) {
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

/** Each sender's transactions, handed out in order across the phases. */
class Cursor {
  private readonly next = new Map<number, number>();
  constructor(private readonly signed: Record<number, Buffer[]>) {}
  take(sender: number, n: number): Buffer[] {
    const from = this.next.get(sender) ?? 0;
    this.next.set(sender, from + n);
    return this.signed[sender]!.slice(from, from + n);
  }
}

/** Closed loop: `clients` senders on their own connections, each sending its next when answered. */
async function closedLoop(port: number, clients: number, txsOf: (sender: number) => Buffer[]) {
  const latencies: number[] = [];
  let rejected = 0;
  let firstError: string | undefined;
  const queues = Array.from({ length: clients }, (_, i) => txsOf(i + 1));
  const conns = queues.map(() => new Connection(port));
  const started = performance.now();
  await Promise.all(
    queues.map(async (txs, i) => {
      for (const req of txs) {
        const t0 = performance.now();
        const r = await conns[i]!.send(req);
        latencies.push(performance.now() - t0);
        if (r.error) {
          rejected++;
          firstError ??= r.error.message;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const c of conns) c.close();
  return summary(latencies, rejected, firstError, seconds);
}

/**
 * Open loop: transaction i is due at i / rate seconds and goes out on the next idle one of
 * `connections` keep-alive connections (waiting in line when none is idle, as a client
 * library's pool would); its latency runs from when it was due, so waiting counts.
 */
async function openLoop(port: number, rate: number, connections: number, txs: Buffer[]) {
  const latencies: number[] = [];
  let rejected = 0;
  let firstError: string | undefined;
  const idle = Array.from({ length: connections }, () => new Connection(port));
  const all = [...idle];
  const line: number[] = [];
  let answered = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const started = performance.now();
  const dueAt = (i: number) => started + (i * 1000) / rate;
  const pump = () => {
    while (line.length > 0 && idle.length > 0) {
      const i = line.shift()!;
      const conn = idle.pop()!;
      void conn.send(txs[i]!).then((r) => {
        latencies.push(performance.now() - dueAt(i));
        if (r.error) {
          rejected++;
          firstError ??= r.error.message;
        }
        idle.push(conn);
        if (++answered === txs.length) done();
        else pump();
      });
    }
  };
  for (let queued = 0; queued < txs.length;) {
    const due = Math.min(txs.length, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    for (; queued < due; queued++) line.push(queued);
    pump();
    await new Promise((r) => setTimeout(r, 1));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  for (const c of all) c.close();
  return { offeredTxPerSec: rate, connections, ...summary(latencies, rejected, firstError, seconds) };
}

async function main(): Promise<void> {
  log("micro-benchmarks (one core)...");
  const micro = microBenchmarks(quick);
  log(JSON.stringify(micro));
  const total = Array.from({ length: RATE_SENDERS }, (_, i) => plan(i + 1)).reduce((a, b) => a + b, 0);
  log(`signing ${total} transfers from ${RATE_SENDERS} senders...`);
  const signed = await presign();
  const cursor = new Cursor(signed);
  const dir = tempDir("bench");
  const { proc, url } = await startSequencer(dir);
  const port = Number(new URL(url).port);
  try {
    const setup = new Connection(port);
    for (let i = 0; i < RATE_SENDERS; i++) {
      const r = await setup.send(rpcRequest("ol_submitDeposit", [depositParam(i, i + 1, 10n ** 24n)]));
      if (r.error) throw new Error(r.error.message);
    }
    setup.close();
    log(`sequencer at ${url}, ${RATE_SENDERS} accounts funded; loading...`);
    // Warm-up, not measured: workers build each key's comb table on its third use.
    await closedLoop(port, RATE_SENDERS, (s) => cursor.take(s, WARMUP));
    const loadAverage = loadavg()[0]!;
    const full = await measured(proc.pid!, () =>
      closedLoop(port, SENDERS, (s) => cursor.take(s, PER_SENDER)),
    );
    const batches = (await new Connection(port).send(rpcRequest("ol_getBatchNumber", []))).result;
    log(`saturated: ${full.acceptedTxPerSec} tx/s; light phase with ${LIGHT_SENDERS} clients...`);
    const light = await measured(proc.pid!, () =>
      closedLoop(port, LIGHT_SENDERS, (s) => cursor.take(s, LIGHT_PER_SENDER)),
    );
    log(`sustained: offering ${TARGET_RATE} tx/s for ${RATE_SECONDS} s...`);
    const perSender = Math.ceil((TARGET_RATE * RATE_SECONDS) / RATE_SENDERS);
    const lists = Array.from({ length: RATE_SENDERS }, (_, i) => cursor.take(i + 1, perSender));
    const interleaved = Array.from(
      { length: perSender * RATE_SENDERS },
      (_, i) => lists[i % RATE_SENDERS]![Math.floor(i / RATE_SENDERS)]!,
    );
    const sustained = await measured(proc.pid!, () =>
      openLoop(port, TARGET_RATE, RATE_CONNECTIONS, interleaved.slice(0, TARGET_RATE * RATE_SECONDS)),
    );
    const result = {
      benchmark: "sequencer",
      quick,
      ...full,
      concurrency: SENDERS,
      batchesSealedDuringLoad: batches,
      lightLoad: { concurrency: LIGHT_SENDERS, ...light },
      sustained: { senders: RATE_SENDERS, ...sustained },
      micro,
      warmupTxsPerSender: WARMUP,
      verifyWorkers: VERIFY_WORKERS,
      params: `production (accounts ${PRODUCTION_PARAMS.accounts.arity}^${PRODUCTION_PARAMS.accounts.depth})`,
      storage: FSYNC
        ? "LevelDB on disk, write-ahead fsync'd before each answer (group commit)"
        : "LevelDB on disk, write-ahead written (no fsync) before each answer",
      client: "raw keep-alive HTTP/1.1 sockets, request bytes built before the timed phases",
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
  }
}

await main();
