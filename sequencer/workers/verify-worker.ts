import { parentPort, workerData } from "node:worker_threads";
import { ErrorCode } from "../../protocol/errors.ts";
import { poseidon } from "../../protocol/poseidon.ts";
import { type VerifyContext, type VerifyJob, verifyRaw } from "./verifier.ts";

/**
 * Worker thread of `verify-pool.ts`: says when it is ready (modules loaded, the Poseidon
 * arities of a signature check prepared), then answers each message (a list of jobs) with
 * their results.
 */
const ctx = workerData as VerifyContext;
poseidon(new Array<bigint>(5).fill(0n));
poseidon(new Array<bigint>(12).fill(0n));
parentPort!.postMessage({ ready: true });
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
