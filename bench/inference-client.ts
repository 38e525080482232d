import { parentPort, workerData } from "node:worker_threads";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { PRODUCTION_PARAMS } from "../protocol/params.ts";
import { InferenceClient } from "../inference/client.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { testKey } from "../sequencer/testing.ts";

/**
 * One load generator of bench:inference, on its own thread: each user runs paid inferences
 * back to back (quote, sign, pay, check) until the deadline, nonces counted locally.
 * Posts every inference's latency, the time spent in each step and the CPU time of this
 * thread while timed (the users' side, which a deployment's users spend on their own machines).
 */
const w = workerData as {
  serveUrl: string;
  rpcUrl: string;
  model: number;
  inputs: number[][];
  users: Array<{ key: number; account: number }>;
  durationMs: number;
};
const provider = new OpenLedgerProvider(w.rpcUrl);
const latencies: number[] = [];
let quoteMs = 0;
let payMs = 0;
let failures = 0;
let firstError: string | undefined;
let ready = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;

/** Resolves with the start time once the main thread has heard every worker is ready. */
const started = new Promise<number>((resolve) =>
  parentPort!.once("message", (m: { startAt: number }) => resolve(m.startAt)),
);

async function user(key: number, account: number, seed: number): Promise<void> {
  const wallet = new L2Wallet(
    { privateKey: testKey(key), publicKey: derivePublicKey(testKey(key)) },
    account,
    provider,
    DEV_DOMAIN,
    PRODUCTION_PARAMS,
  );
  const client = new InferenceClient(w.serveUrl, wallet);
  let nonce = (await provider.getNonce(account))!;
  // Warm-up outside the timed phase: module loading, JIT and the curve's tables.
  await client.pay(await client.quote(w.model, w.inputs[seed % w.inputs.length]!), { nonce: nonce++ });
  ready++;
  if (ready === w.users.length) parentPort!.postMessage({ ready: true });
  const startAt = await started;
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 1));
  cpuAtStart ??= process.threadCpuUsage();
  for (let i = seed; Date.now() < startAt + w.durationMs; i++) {
    const t0 = performance.now();
    try {
      const quote = await client.quote(w.model, w.inputs[i % w.inputs.length]!);
      const t1 = performance.now();
      await client.pay(quote, { nonce });
      const t2 = performance.now();
      nonce++;
      latencies.push(t2 - t0);
      quoteMs += t1 - t0;
      payMs += t2 - t1;
    } catch (e) {
      failures++;
      firstError ??= (e as Error).message;
      nonce = (await provider.getNonce(account))!;
    }
  }
}

await Promise.all(w.users.map((u, i) => user(u.key, u.account, i)));
const cpu = process.threadCpuUsage(cpuAtStart);
parentPort!.postMessage({
  latencies,
  quoteMs,
  payMs,
  failures,
  firstError,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
});
