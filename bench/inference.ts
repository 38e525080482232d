/**
 * bench:inference: paid inferences per second through `openledger serve` into a real
 * sequencer (its own process, production trees, LevelDB with fsync, signature checks on a
 * worker), with a real store (its own process), against raw onnxruntime-node throughput of
 * the same model in the same run. Load: users on two worker threads, each running
 * quote -> sign -> pay -> check back to back. CPU is counted per process, and the users'
 * threads apart, so the operator's side (node, sequencer, store) has its own figure. The
 * last stdout line is one JSON object, also written to bench/results/inference[-quick].json.
 *   npm run bench:inference [-- --quick]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { Worker } from "node:worker_threads";
import { pino } from "pino";
import { startInferenceService } from "../inference/service.ts";
import { FIRST_USER, operatorOptions, setupModel, startL1 } from "../inference/testing.ts";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { OnnxModel } from "../prover/models/runtime.ts";
import { spawnSequencer, tempDir } from "../sequencer/testing.ts";
import { cpuSeconds, startStoreProcess } from "./processes.ts";

const quick = process.argv.includes("--quick");
const DURATION_MS = quick ? 8_000 : 30_000;
const USERS = quick ? 32 : 64;
const WORKERS = 2;
const log = (msg: string) => console.error(`[bench:inference] ${msg}`);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Raw onnxruntime-node: rows per second in batches of `batch` rows, for about `ms`. */
async function rawThroughput(model: OnnxModel, inputs: Float64Array[], batch: number, ms: number) {
  const x = new Float32Array(batch * 4);
  for (let r = 0; r < batch; r++) x.set(inputs[r % inputs.length]!, r * 4);
  for (let i = 0; i < 50; i++) await model.run(x, batch);
  let rows = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await model.run(x, batch);
    rows += batch;
  }
  return rows / ((performance.now() - t0) / 1000);
}

log(`${quick ? "quick" : "full"} run: ${USERS} users for ${DURATION_MS / 1000} s`);
const dir = tempDir("bench-inference");
const sequencer = await spawnSequencer(`${dir}/sequencer`, [
  ...["--params", "production", "--batch-max-txs", "512", "--batch-interval-ms", "200"],
]);
const store = await startStoreProcess(`${dir}/store`);
const logger = pino({ level: "warn" });
try {
  const urls = { sequencerUrl: sequencer.url, storeUrl: store.url, params: PRODUCTION_PARAMS };
  const served = await setupModel({ ...urls, users: USERS });
  const node = await startInferenceService({ ...operatorOptions({ ...urls, logger, ...(await startL1()) }) });

  // Raw onnxruntime on the same model bytes, measured before the load (same process).
  const raw = await OnnxModel.load(served.modelBytes, 4);
  const rawSingle = await rawThroughput(raw, served.inputs, 1, quick ? 1000 : 3000);
  const rawBatched = await rawThroughput(raw, served.inputs, 64, quick ? 1000 : 3000);
  await raw.release();
  log(
    `raw onnxruntime: ${Math.round(rawSingle)} rows/s one by one, ${Math.round(rawBatched)} rows/s in batches of 64`,
  );

  const inputs = served.inputs.map((x) => Array.from(x));
  const perWorker = USERS / WORKERS;
  const workers = Array.from(
    { length: WORKERS },
    (_, k) =>
      new Worker(new URL("./inference-client.ts", import.meta.url), {
        execArgv: ["--import", "tsx"],
        workerData: {
          serveUrl: node.url,
          rpcUrl: `${sequencer.url}/rpc`,
          model: served.model,
          inputs,
          users: Array.from({ length: perWorker }, (_, i) => ({
            key: FIRST_USER + k * perWorker + i,
            account: 2 + k * perWorker + i,
          })),
          durationMs: DURATION_MS,
        },
      }),
  );
  const once = <T>(w: Worker) =>
    new Promise<T>((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    });
  // Every user has paid one warm-up inference before the clock starts.
  await Promise.all(workers.map((w) => once(w)));
  const loadBefore = loadavg();
  const cpu0 = {
    bench: process.cpuUsage(),
    nodeThread: process.threadCpuUsage(),
    sequencer: cpuSeconds(sequencer.proc.pid!),
    store: cpuSeconds(store.proc.pid!),
  };
  const startAt = Date.now() + 100;
  const done = workers.map((w) =>
    once<{
      latencies: number[];
      quoteMs: number;
      payMs: number;
      failures: number;
      firstError?: string;
      cpuSeconds: number;
    }>(w),
  );
  for (const w of workers) w.postMessage({ startAt });
  const results = await Promise.all(done);
  const seconds = (Date.now() - startAt) / 1000;
  const seconds2 = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
  const cpu = {
    benchProcess: round(seconds2(process.cpuUsage(cpu0.bench)), 2),
    // The bench process holds the node (its main thread, onnxruntime's and Node's helper
    // threads) and the users' two worker threads: their CPU is counted apart.
    nodeThread: round(seconds2(process.threadCpuUsage(cpu0.nodeThread)), 2),
    userThreads: round(
      results.reduce((s, r) => s + r.cpuSeconds, 0),
      2,
    ),
    sequencer: round(cpuSeconds(sequencer.proc.pid!) - cpu0.sequencer, 2),
    store: round(cpuSeconds(store.proc.pid!) - cpu0.store, 2),
  };
  const loadAfter = loadavg();
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const paid = latencies.length;
  const failures = results.reduce((s, r) => s + r.failures, 0);
  const health = (await (await fetch(`${node.url}/health`)).json()) as {
    batching: { model: number; calls: number; rows: number }[];
  };
  const batching = health.batching.find((b) => b.model === served.model)!;
  const counters = (await served.provider.call<{ counters: { inferences: number } }>("ol_getStateRoot"))
    .counters;
  await node.stop();
  served.ownerStore.close();
  served.verifier.close();

  const result = {
    bench: "inference",
    quick,
    model: "iris MLP 4-16-8-3 (ONNX, onnxruntime-node CPU, 1 intra-op thread)",
    users: USERS,
    seconds: round(seconds, 2),
    paidInferences: paid,
    recordedOnL2: counters.inferences,
    warmUpInferences: USERS,
    failures,
    firstError: results.find((r) => r.firstError)?.firstError ?? null,
    inferencesPerSec: round(paid / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    meanQuoteMs: round(results.reduce((s, r) => s + r.quoteMs, 0) / paid, 2),
    meanPayMs: round(results.reduce((s, r) => s + r.payMs, 0) / paid, 2),
    rawInferencesPerSec: Math.round(rawBatched),
    rawSingleRowPerSec: Math.round(rawSingle),
    rowsPerModelCall: round(batching.rows / batching.calls, 2),
    cpuSeconds: cpu,
    cpuMsPerInference: round(((cpu.benchProcess + cpu.sequencer + cpu.store) * 1000) / paid, 2),
    // Without the users' threads: what the operator's side (node, sequencer, store) spends.
    serverCpuMsPerInference: round(
      ((cpu.benchProcess - cpu.userThreads + cpu.sequencer + cpu.store) * 1000) / paid,
      2,
    ),
    loadAverage: { before: loadBefore.map((x) => round(x, 2)), after: loadAfter.map((x) => round(x, 2)) },
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30) },
    target: { inferencesPerSec: 1000, p99Ms: 100 },
  };
  log(
    `${paid} paid inferences in ${result.seconds} s: ${result.inferencesPerSec}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${failures} failed`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    `bench/results/inference${quick ? "-quick" : ""}.json`,
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result));
} finally {
  sequencer.proc.kill("SIGTERM");
  store.proc.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
