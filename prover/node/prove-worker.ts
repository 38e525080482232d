/**
 * The proving process (forked by backend.ts): witness with snarkjs (circom's WebAssembly),
 * then a Groth16 proof with snarkjs, or only the witness file when a native prover takes
 * over. It exits when the node disconnects.
 */
import { writeFile } from "node:fs/promises";
import { groth16, wtns } from "snarkjs";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import type { WorkerReply, WorkerRequest } from "./backend.ts";

const send = (reply: WorkerReply) => process.send!(reply);

process.on("disconnect", () => {
  void terminateSnarkjsCurve().then(() => process.exit(0));
});

process.on("message", (req: WorkerRequest) => {
  handle(req).then(
    (reply) => send(reply),
    (e: unknown) =>
      send({
        id: req.id,
        ok: false,
        error: e instanceof Error ? e.message : String(e),
      } satisfies WorkerReply),
  );
});

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  const t0 = performance.now();
  const witness: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  await wtns.calculate(req.job.input, req.job.wasm, witness);
  const witnessSeconds = (performance.now() - t0) / 1000;
  if (req.witnessOnly) {
    await writeFile(req.witnessOnly, witness.data!);
    return { id: req.id, ok: true, result: { witnessSeconds, proveSeconds: 0, peakRssMb: peakRssMb() } };
  }
  const t1 = performance.now();
  const { proof, publicSignals } = await groth16.prove(req.job.zkey, witness);
  return {
    id: req.id,
    ok: true,
    result: {
      proof,
      publicSignals,
      witnessSeconds,
      proveSeconds: (performance.now() - t1) / 1000,
      peakRssMb: peakRssMb(),
    },
  };
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
