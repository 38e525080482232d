import { parentPort, workerData } from "node:worker_threads";
import { type VerifyContext, type VerifyJob, verifyRaw } from "./verifier.ts";

/** Worker thread of `verify-pool.ts`: answers each message (a list of jobs) with their results. */
const ctx = workerData as VerifyContext;
parentPort!.on("message", (msg: { id: number; jobs: VerifyJob[] }) => {
  const results = msg.jobs.map((job) => {
    try {
      return verifyRaw(ctx, job);
    } catch {
      return { txHash: 0n, valid: false };
    }
  });
  parentPort!.postMessage({ id: msg.id, results });
});
