/**
 * Fixtures of the bridge suites: a real sequencer node whose L1 poster commits to the EDR
 * deployment, and batches made final by a real (stub-circuit) Groth16 proof.
 */
import { pino } from "pino";
import { proveStub, type System } from "../contracts/test/fixture.ts";
import { nodeConfig } from "../sequencer/config.ts";
import { L1BatchPoster } from "../sequencer/l1/l1-poster.ts";
import { type SequencerNode, startNode } from "../sequencer/node.ts";
import { tempDir } from "../sequencer/testing.ts";

export const silent = pino({ level: "silent" });

/** A sequencer for `s`'s rollup that seals only when told and posts its batches to L1. */
export async function startBridgeNode(s: System, name: string): Promise<SequencerNode> {
  const rollup = String(s.d.rollup.target);
  return startNode(
    nodeConfig({
      dataDir: tempDir(name),
      port: 0,
      domain: { chainId: (await s.ethers.provider.getNetwork()).chainId, rollup },
      params: s.config.protocol,
      governance: s.config.governance,
      batchIntervalMs: 3_600_000,
      verifyWorkers: 0,
    }),
    silent,
    new L1BatchPoster({
      rollup,
      signer: s.sequencer,
      batchCircuitId: s.d.file.batchCircuitId,
      retryDelayMs: 10,
    }),
  );
}

/** Resolves once batch `n` is committed on L1. */
export function committed(s: System, n: number, timeoutMs?: number): Promise<void> {
  return waitFor(async () => (await s.d.rollup.getFunction("head")()).lastCommitted >= BigInt(n), timeoutMs);
}

/** Waits until batch `n` is committed, then proves it (stub circuit): it becomes final. */
export async function finalize(s: System, n: number): Promise<void> {
  await committed(s, n);
  const proof = await proveStub(
    s.circuit,
    await s.d.rollup.getFunction("proofInputOf")(n, await s.prover.getAddress()),
  );
  await (await s.rollupAs(s.prover).getFunction("proveBatch")(n, 1, proof)).wait();
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}
