/**
 * Fixtures of the bridge suites: a real sequencer node whose L1 poster commits to the EDR
 * deployment, and batches made final by a real (stub-circuit) Groth16 proof.
 */
import { pino } from "pino";
import { DirectoryArchive } from "../contracts/client/blob-archive.ts";
import type { BatchShape } from "../protocol/batch/layout.ts";
import { proveStub, type System } from "../contracts/test/fixture.ts";
import { nodeConfig } from "../sequencer/config.ts";
import { L1Finality } from "../sequencer/l1/finality.ts";
import { L1BatchPoster } from "../sequencer/l1/l1-poster.ts";
import { type SequencerNode, startNode } from "../sequencer/node.ts";
import { tempDir } from "../sequencer/testing.ts";

export const silent = pino({ level: "silent" });

/**
 * A sequencer for `s`'s rollup that seals only when told and posts its batches to L1, keeping
 * their data in the blob archive directory `archive` if given (and serving it at /archive/), in
 * the batch layout `layout` if given (the sequencer's default otherwise); with `finality`, it
 * keeps the finalized state as L1 finalizes entries (`GET /snapshot`, finalized proofs).
 */
export async function startBridgeNode(
  s: System,
  name: string,
  o: { archive?: string; layout?: Required<BatchShape>; finality?: boolean } = {},
): Promise<SequencerNode> {
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
      blobArchive: o.archive,
      ...(o.layout && {
        batchMaxTxs: o.layout.slots,
        batchWithdrawals: o.layout.withdrawals,
        batchRegistrySlots: o.layout.registrySlots,
      }),
    }),
    silent,
    new L1BatchPoster({
      rollup,
      signer: s.sequencer,
      batchCircuitId: s.d.file.batchCircuitId,
      retryDelayMs: 10,
      archive: o.archive === undefined ? undefined : new DirectoryArchive(o.archive),
    }),
    undefined,
    o.finality ? { source: new L1Finality(rollup, s.ethers.provider, 0), pollMs: 50 } : undefined,
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
