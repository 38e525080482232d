/**
 * Store benchmark: contributing 60,000 MNIST rows (docs/store.md, "Benchmark"). Timed end to
 * end: one pass making the canonical row bytes, their SHA-256 hashes and the compact
 * plaintext, the contentRoot (Poseidon tree) on a worker thread fed the hashes meanwhile, then
 * encryption and upload over HTTP to a real store server in its own process (chunked, with
 * the row hashes for the duplicate check, committed with the server checking the blob hash
 * and recomputing the contentRoot), then the RegisterContribution transaction on a real
 * in-process sequencer (test-size trees), soft-confirmed. Progress on stderr; the last
 * stdout line is one JSON object, also written to bench/results/store[-quick].json.
 *   npm run bench:store [-- --quick]
 */
import { rowByteLength } from "../protocol/provenance/rows.ts";
import { blobUriCommitment } from "../protocol/provenance/uri-commitment.ts";
import { OPEN_DATANET } from "../protocol/testing.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { TxType } from "../protocol/tx/types.ts";
import { shiftImages } from "../prover/datasets/augment.ts";
import { loadMnist } from "../prover/datasets/mnist.ts";
import { blobSize } from "../store/blob-format.ts";
import { type PutOptions, StoreClient } from "../store/client.ts";
import { StoreKey } from "../store/identity.ts";
import { RootThread } from "../store/root-thread.ts";
import { packRows, type RowSource } from "../store/rows.ts";
import { startNode } from "../sequencer/node.ts";
import { depositParam, rpc, signedHex, tempDir, testKey, testNodeConfig } from "../sequencer/testing.ts";
import { cpuSeconds, startStoreProcess } from "./processes.ts";

const quick = process.argv.includes("--quick");
const ROWS = quick ? 10_000 : 60_000;
const log = (msg: string) => console.error(`[bench:store] ${msg}`);

/** MNIST's 10,000 digits, then one-pixel translations of them, as bench/attribution.ts grows them. */
function mnistRows(count: number): RowSource {
  const mnist = loadMnist();
  const n = mnist.y.length;
  const side = 28;
  const dim = side * side;
  const shifts: Array<[number, number]> = [
    [1, 0],
    [-1, 0],
    [0, 1],
    [0, -1],
    [1, 1],
  ];
  const parts: ArrayLike<number>[] = [mnist.x];
  for (let k = 0; parts.length * n < count; k++) parts.push(shiftImages(mnist.x, n, ...shifts[k]!));
  const x = parts.map((p) => p as Float64Array | Float32Array);
  return {
    count,
    label: (i) => mnist.y[i % n]!,
    features: (i) => x[Math.floor(i / n)]!.subarray((i % n) * dim, ((i % n) + 1) * dim),
  };
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

log(`${quick ? "quick" : "full"} run: ${ROWS} MNIST rows`);
const rows = mnistRows(ROWS);
const dataDir = mkdtempSync(join(tmpdir(), "openledger-bench-store-"));
const { proc, url } = await startStoreProcess(dataDir);
// The contributor's contentRoot is hashed on a worker thread while the rows are hashed.
const roots = await RootThread.start();
// The contributor's L2 account (key 0, account 1) on a sequencer in this process.
const node = await startNode(testNodeConfig(tempDir("bench-store")), pino({ level: "silent" }));
await rpc(node.url, "ol_submitDeposit", [depositParam(0, 0, 10n ** 6n)]);
// Datanet 1, which the rows are contributed to (nonce 0 of account 1).
await rpc(node.url, "ol_sendTransaction", [
  signedHex({ type: TxType.CreateDatanet, from: 1, nonce: 0, fee: 0n, ...OPEN_DATANET }, 0),
]);
try {
  const client = new StoreClient(url, new StoreKey(testKey(0)));
  // CPU seconds of the client (all its threads) and of the server so far: load stretches
  // wall time much more than CPU time, so the phases are compared by these too.
  const cpuNow = () => {
    const c = process.cpuUsage();
    return { client: (c.user + c.system) / 1e6, server: cpuSeconds(proc.pid!) };
  };
  const cpuSpent = (a: ReturnType<typeof cpuNow>, b: ReturnType<typeof cpuNow>) => ({
    client: round(b.client - a.client, 2),
    server: round(b.server - a.server, 2),
  });
  /** Stores rows as the timed run does; the times and CPU at the end of the one pass. */
  const contribute = async (source: RowSource, datanet: number, onProgress?: PutOptions["onProgress"]) => {
    // One pass makes the row hashes and the compact plaintext; the worker builds the tree
    // from each batch of hashes meanwhile.
    const tree = roots.stream();
    const packed = packRows(source, { onHashes: (h) => tree.add(h) });
    const root = tree.end();
    const packedAt = performance.now();
    const cpu = cpuNow();
    let rootAt = 0;
    void root.then(() => (rootAt = performance.now()));
    const stored = await client.put({
      kind: "rows",
      plaintextLength: packed.plaintextLength,
      plaintext: async function* () {
        yield* packed.pieces;
      },
      datanet,
      rowHashes: packed.rowHashes,
      contentRoot: root,
      onProgress,
    });
    return { packed, root: await root, stored, packedAt, rootAt: () => rootAt, cpu };
  };
  // Warm-up: JIT and the server's first requests, on a separate Datanet; rows enough for the
  // server to share the tree between its two root threads, as it will in the timed run.
  await contribute(mnistRows(8192), 2);

  const loadAverage = loadavg()[0]!;
  const cpu0 = cpuNow();
  const t0 = performance.now();
  let lastReport = 0;
  const run = await contribute(rows, 1, (sent, total) => {
    if (sent - lastReport > total / 4 || sent === total) {
      lastReport = sent;
      log(`uploaded ${Math.round((100 * sent) / total)}%`);
    }
  });
  const { blob, duplicates } = run.stored;
  const [t1, cpu1, rootDone] = [run.packedAt, run.cpu, run.rootAt()];
  const t3 = performance.now();
  const cpu3 = cpuNow();
  const tx = {
    type: TxType.RegisterContribution,
    from: 1,
    nonce: 1,
    fee: 1n,
    datanet: 1,
    contentRoot: BigInt(run.root),
    rowCount: ROWS,
    license: 1,
    uriCommitment: blobUriCommitment(blob.id),
    stake: 100n,
  } as const;
  const reply = await rpc(node.url, "ol_sendTransaction", [signedHex(tx, 0)]);
  const receipt = reply.result as { status?: string; txHash?: string } | undefined;
  if (!receipt?.status) throw new Error(`registration refused: ${JSON.stringify(reply.error)}`);
  const t4 = performance.now();
  const seconds = (t4 - t0) / 1000;
  const cpu4 = cpuNow();
  const contentRoot = run.root;
  if (blob.contentRoot !== contentRoot || blob.rowCount !== ROWS || duplicates.length !== 0) {
    throw new Error(`store disagrees: ${JSON.stringify({ blob, duplicates: duplicates.length })}`);
  }
  // MB of rows as the protocol hashes them (canonical bytes), and as stored (compact, encrypted).
  const rowMb = (ROWS * rowByteLength(784)) / 1e6;
  const storedMb = blobSize(run.packed.plaintextLength) / 1e6;
  const result = {
    rows: ROWS,
    seconds: round(seconds),
    rowsPerSec: Math.round(ROWS / seconds),
    mbPerSec: round(rowMb / seconds, 1),
    uploadedMbPerSec: round(storedMb / seconds, 1),
    targetRowsPerSec: 20_000,
    rowMb: round(rowMb, 1),
    storedMb: round(storedMb, 1),
    phases: {
      // Row hashes and compact plaintext, one pass.
      hashEncodeSeconds: round((t1 - t0) / 1000),
      // On a worker thread from the first batch of row hashes: time from the start.
      contentRootDoneSeconds: round((rootDone - t0) / 1000),
      encryptUploadCommitSeconds: round((t3 - t1) / 1000),
      registerSeconds: round((t4 - t3) / 1000),
    },
    // Client process (main thread and root worker) and server process, during the timed run.
    cpuSeconds: {
      ...cpuSpent(cpu0, cpu4),
      hashEncode: cpuSpent(cpu0, cpu1),
      encryptUploadCommit: cpuSpent(cpu1, cpu3),
    },
    contentRoot,
    blobId: blob.id,
    registered: { status: receipt.status, txHash: receipt.txHash },
    setup: {
      data: "MNIST's 10,000 digits (mnist package) and one-pixel translations, 784 features, label",
      rowEncoding:
        "hashed as canonical bytes (label u32, dim u32, 784 x int64 at 2^16: 6,280 bytes a row), stored compact (varints)",
      client:
        "one pass for row hashes and compact plaintext (kept in memory), the contentRoot on one worker thread fed 4,096 row hashes at a time",
      server:
        "openledger store in its own process, LevelDB index and blobs on local disk (tmpdir), the contentRoot on two worker threads",
      sequencer: "in this process, test-size trees, one RegisterContribution soft-confirmed",
      transport: "HTTP/1.1 on 127.0.0.1, 8 MiB chunks, one in flight while the next is encrypted",
      quick,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      // The machine is shared: the 1-minute load average when the timed run started.
      loadAverage: round(loadAverage, 2),
      node: process.version,
      date: new Date().toISOString(),
    },
  };
  log(
    `${ROWS} rows in ${result.seconds} s: ${result.rowsPerSec} rows/s, ${result.mbPerSec} MB/s of rows ` +
      `(${result.storedMb} MB stored) ` +
      `(hash+encode ${result.phases.hashEncodeSeconds} s, then encrypt+upload+commit ` +
      `${result.phases.encryptUploadCommitSeconds} s; the root on a worker done at ` +
      `${result.phases.contentRootDoneSeconds} s; registered in ${result.phases.registerSeconds} s)`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(`bench/results/store${quick ? "-quick" : ""}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  client.close();
} finally {
  await roots.close();
  await node.stop();
  proc.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}
