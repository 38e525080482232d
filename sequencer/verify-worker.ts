import { parentPort, workerData } from "node:worker_threads";
import { ErrorCode } from "../protocol/errors.ts";
import { type VerifyContext, type VerifyJob, verifyRaw } from "./verifier.ts";

/** Worker thread of `verify-pool.ts`: answers each message (a list of jobs) with their results. */
const ctx = workerData as VerifyContext;
parentPort!.on("message", (msg: { id: number; jobs: VerifyJob[] }) => {
  const results = msg.jobs.map((job) => {
    try {
      return verifyRaw(ctx, job);
    } catch (e) {
      return {
        ok: false,
        code: ErrorCode.InvalidEncoding,
        message: `transaction could not be decoded: ${(e as Error).message}`,
      };
    }
  });
  parentPort!.postMessage({ id: msg.id, results });
});
