import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groth16, zKey } from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../runtime/snarkjs-curve.ts";
import { type CompiledCircuit, compileCircuit } from "../tools/artifacts.ts";
import { ensureDevPtau } from "./dev-ptau.ts";
import { writeDevZkey } from "./dev-zkey.ts";

// poseidon2: public inputs and an output, 240 constraints (2^8); batch_input_stub: one
// constraint, a public input (2^2); merkle_update_8x2: two outputs, 1,626 constraints (2^11).
// Domains from 2^15 up (where snarkjs hashes one H point past its ptau section) were checked
// by hand: reward_2x4 (2^16) and batch_8x2_2tx_1reg (2^18), docs/circuits.md.
const CIRCUITS = ["poseidon2", "batch_input_stub", "merkle_update_8x2"];

describe("INSECURE dev zkey", () => {
  let dir: string;
  const built = new Map<string, { circuit: CompiledCircuit; ours: string; snarkjs: string }>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dev-zkey-"));
    for (const name of CIRCUITS) {
      const circuit = await compileCircuit(name, { buildDir: join(dir, "circuits"), log: () => {} });
      const ptau = await ensureDevPtau(circuit.domainPower, { dir: join(dir, "ptau") });
      const snarkjs = join(dir, `${name}.snarkjs.zkey`);
      const ours = join(dir, `${name}.dev.zkey`);
      await zKey.newZKey(circuit.r1cs, ptau, snarkjs);
      await writeDevZkey(circuit.r1cs, ours);
      built.set(name, { circuit, ours, snarkjs });
    }
  });

  afterAll(async () => {
    await terminateSnarkjsCurve();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(CIRCUITS)("%s: byte-identical to snarkjs `zkey new` from the dev ptau", async (name) => {
    const { ours, snarkjs } = built.get(name)!;
    const [a, b] = await Promise.all([readFile(ours), readFile(snarkjs)]);
    expect(a.length).toBe(b.length);
    expect(firstDifference(a, b)).toBe(-1);
  });

  it.each(CIRCUITS)("%s: the exported verification key is snarkjs's", async (name) => {
    const { ours, snarkjs } = built.get(name)!;
    expect(await zKey.exportVerificationKey(ours)).toEqual(await zKey.exportVerificationKey(snarkjs));
  });

  it("a proof made with it verifies in snarkjs, and a changed public signal does not", async () => {
    const { circuit, ours, snarkjs } = built.get("poseidon2")!;
    const { proof, publicSignals } = await groth16.fullProve({ inputs: ["1", "2"] }, circuit.wasm, ours);
    const vkey = await zKey.exportVerificationKey(snarkjs);
    expect(await groth16.verify(vkey, publicSignals, proof)).toBe(true);
    const tampered = [...publicSignals];
    tampered[0] = (BigInt(tampered[0]!) + 1n).toString();
    expect(await groth16.verify(vkey, tampered, proof)).toBe(false);
  });
});

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}
