import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { fieldToHex } from "../protocol/field.ts";
import { TEST_PARAMS } from "../protocol/params.ts";
import { encodeTx } from "../protocol/tx/codec.ts";
import { signTx } from "../protocol/tx/sign.ts";
import type { L2Tx } from "../protocol/tx/types.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { type NodeOptions, nodeConfig } from "./config.ts";
import type { NodeConfig } from "./node.ts";
import type { SequencerView } from "./core/view.ts";
import type { BatchRecord } from "./storage/schema.ts";
import { TEST_GOVERNANCE } from "../protocol/testing.ts";

/** Fixtures shared by the sequencer's tests and its benchmark. */
export { TEST_GOVERNANCE };

export const L1_SENDER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

export function testKey(i: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, k) => (i * 131 + k * 7 + 1) & 0xff);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `openledger-${prefix}-`));
}

/** A node on a free loopback port over tiny trees, sealing only when told (or when full). */
export function testNodeConfig(dataDir: string, o: Partial<NodeOptions> = {}): NodeConfig {
  return nodeConfig({
    dataDir,
    port: 0,
    params: TEST_PARAMS,
    governance: TEST_GOVERNANCE,
    batchIntervalMs: 3_600_000,
    verifyWorkers: 0,
    rpcDeposits: true,
    ratePerSecond: 100_000,
    ...o,
  });
}

/** The ol_submitDeposit param opening (or crediting) an account for key `key`. */
export function depositParam(queueIndex: number, key: number, amount: bigint, to = 0) {
  const pub = derivePublicKey(testKey(key));
  return {
    queueIndex: String(queueIndex),
    l1Sender: L1_SENDER,
    to,
    publicKey: { x: fieldToHex(pub.x), y: fieldToHex(pub.y) },
    amount: amount.toString(),
  };
}

/** Signed wire bytes as the 0x hex ol_sendTransaction takes. */
export function signedHex(tx: L2Tx, key: number, params = TEST_PARAMS): string {
  return `0x${Buffer.from(encodeTx(signTx(tx, testKey(key), DEV_DOMAIN, params))).toString("hex")}`;
}

export interface RpcReply {
  readonly status: number;
  readonly body: {
    result?: unknown;
    error?: { code: number; message: string; data?: { code?: string } };
  } & Record<string, unknown>;
}

/** Raw POST /rpc: returns the HTTP status and the parsed body. */
export async function post(url: string, body: unknown, raw = false): Promise<RpcReply> {
  const res = await fetch(`${url}/rpc`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

let nextId = 1;
export async function rpc(url: string, method: string, params: unknown[] = []): Promise<RpcReply["body"]> {
  return (await post(url, { jsonrpc: "2.0", id: nextId++, method, params })).body;
}

/** Sealed entry `n`, which must be a batch. */
export async function batchAt(view: SequencerView, n: number): Promise<BatchRecord> {
  const entry = await view.batch(n);
  if (entry?.kind !== "batch") throw new Error(`entry ${n} is not a sealed batch`);
  return entry;
}

/**
 * `openledger sequencer` as its own process on `dataDir` (test trees, deposits over RPC, small
 * batches sealed every 40 ms), `extra` options after these; resolves once it listens.
 */
export function spawnSequencer(
  dataDir: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(
    "node_modules/.bin/node",
    [
      "bin/openledger.mjs",
      "sequencer",
      ...["--data-dir", dataDir, "--port", "0", "--params", "test", "--rpc-deposits"],
      ...[
        "--batch-max-txs",
        "16",
        "--batch-interval-ms",
        "40",
        "--verify-workers",
        "1",
        "--rate-limit",
        "100000",
      ],
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "inherit"], env },
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on("line", (line) => {
      const msg = JSON.parse(line) as { msg?: string; url?: string };
      if (msg.msg === "sequencer listening") resolve({ proc, url: msg.url! });
    });
    proc.once("exit", (code) => reject(new Error(`sequencer exited with ${code} before listening`)));
  });
}
