import hre from "hardhat";
import { poseidon2 } from "poseidon-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCircuit, type CircuitArtifacts } from "./artifacts.ts";
import {
  type Groth16Result,
  proveGroth16,
  type SolidityProof,
  toSolidityProof,
  verifyGroth16,
} from "../runtime/groth16-proof.ts";
import { terminateSnarkjsCurve } from "../runtime/snarkjs-curve.ts";

interface VerifierContract {
  verifyProof(
    a: SolidityProof["a"],
    b: SolidityProof["b"],
    c: SolidityProof["c"],
    input: bigint[],
  ): Promise<boolean>;
}

describe("Groth16 proof of poseidon2: snarkjs and the exported Solidity verifier on EDR", () => {
  let artifacts: CircuitArtifacts;
  let result: Groth16Result;
  let verifier: VerifierContract;

  beforeAll(async () => {
    artifacts = await buildCircuit("poseidon2");
    result = await proveGroth16(artifacts, { inputs: ["1", "2"] });
    // Compile only this verifier: other contracts are not this suite's business.
    await hre.tasks
      .getTask("build")
      .run({ files: [`contracts/verifiers/${artifacts.verifierContract}.sol`], quiet: true });
    const { ethers } = await hre.network.create();
    verifier = (await ethers.deployContract(artifacts.verifierContract)) as unknown as VerifierContract;
  });

  afterAll(terminateSnarkjsCurve);

  const call = (p: SolidityProof) => verifier.verifyProof(p.a, p.b, p.c, p.publicSignals);

  it("proves Poseidon(1, 2): the public output equals the TypeScript Poseidon", () => {
    expect(result.publicSignals).toEqual([poseidon2([1n, 2n]).toString(), "1", "2"]);
  });

  it("verifies in snarkjs and rejects a tampered public input or proof", async () => {
    const { proof, publicSignals } = result;
    expect(await verifyGroth16(artifacts, proof, publicSignals)).toBe(true);
    expect(await verifyGroth16(artifacts, proof, ["7", ...publicSignals.slice(1)])).toBe(false);
    expect(await verifyGroth16(artifacts, { ...proof, pi_a: proof.pi_c }, publicSignals)).toBe(false);
  });

  it("verifies on chain and rejects a tampered public input or proof", async () => {
    const good = toSolidityProof(result.proof, result.publicSignals);
    expect(await call(good)).toBe(true);
    expect(
      await call({ ...good, publicSignals: [good.publicSignals[0]! + 1n, ...good.publicSignals.slice(1)] }),
    ).toBe(false);
    expect(await call({ ...good, a: good.c })).toBe(false);
    // Unswapped pi_b (snarkjs order) must fail too: the swap is what makes the good proof pass.
    const [b0, b1] = good.b;
    expect(
      await call({
        ...good,
        b: [
          [b0[1], b0[0]],
          [b1[1], b1[0]],
        ],
      }),
    ).toBe(false);
  });
});
