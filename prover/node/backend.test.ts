/**
 * Both proving backends on a real circuit: snarkjs in the proving process, and the native
 * path through a rapidsnark-style command line (`<bin> <zkey> <wtns> <proof> <public>`), here
 * snarkjs's own `groth16 prove`, which takes exactly those arguments.
 */
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { verifyGroth16 } from "../../circuits/runtime/groth16-proof.ts";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { poseidon } from "../../protocol/poseidon.ts";
import { NativeProverBackend, type ProvingBackend, SnarkjsBackend } from "./backend.ts";

let circuit: CircuitArtifacts;
let dir: string;
const backends: ProvingBackend[] = [];

beforeAll(async () => {
  circuit = await buildCircuit("poseidon2", { log: () => {} });
  dir = await mkdtemp(join(tmpdir(), "openledger-native-"));
});
afterAll(async () => {
  for (const b of backends) await b.close();
  await rm(dir, { recursive: true, force: true });
  await terminateSnarkjsCurve();
});

async function proves(backend: ProvingBackend): Promise<void> {
  backends.push(backend);
  const r = await backend.prove({ wasm: circuit.wasm, zkey: circuit.zkey, input: { inputs: ["3", "4"] } });
  expect(r.publicSignals).toEqual([poseidon([3n, 4n]).toString(), "3", "4"]);
  expect(await verifyGroth16(circuit, r.proof, r.publicSignals)).toBe(true);
  expect(r.witnessSeconds).toBeGreaterThan(0);
  expect(r.peakRssMb).toBeGreaterThan(0);
}

describe("proving backends", () => {
  it("snarkjs in a proving process", async () => {
    await proves(new SnarkjsBackend());
  });

  it("a native prover command line, fed the witness the proving process writes", async () => {
    const bin = join(dir, "prover");
    await writeFile(
      bin,
      `#!/bin/sh\nexec "${join(REPO_ROOT, "node_modules/.bin/snarkjs")}" groth16 prove "$@"\n`,
    );
    await chmod(bin, 0o755);
    await proves(new NativeProverBackend(bin));
  });

  it("reports a failing native prover", async () => {
    const backend = new NativeProverBackend("/bin/false");
    backends.push(backend);
    await expect(
      backend.prove({ wasm: circuit.wasm, zkey: circuit.zkey, input: { inputs: ["1", "2"] } }),
    ).rejects.toThrow(/exited with 1/);
  });
});
