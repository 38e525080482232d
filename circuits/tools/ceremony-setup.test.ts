import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDevPtau } from "../setup/dev-ptau.ts";
import { buildCircuit } from "./artifacts.ts";
import { proveGroth16, verifyGroth16 } from "../runtime/groth16-proof.ts";
import { REPO_ROOT } from "./paths.ts";
import { terminateSnarkjsCurve } from "../runtime/snarkjs-curve.ts";

// A full-levels dev ptau stands in for a ceremony file: same format, any circuit up to 2^power.
describe("--ptau: keys from a Powers-of-Tau file plus a phase-2 contribution", () => {
  const buildDir = join(REPO_ROOT, "build", `test-ceremony-${randomBytes(4).toString("hex")}`);
  const ptauDir = join(buildDir, "ptau");
  const quiet = { buildDir, verifiersDir: null, log: () => {} };

  beforeAll(() => ensureDevPtau(9, { shape: "all", dir: ptauDir }));
  afterAll(async () => {
    await terminateSnarkjsCurve();
    await rm(buildDir, { recursive: true, force: true });
  });

  it("builds poseidon2 from the file, caches it apart from the dev keys, and proves", async () => {
    const ptau = join(ptauDir, "INSECURE-dev-all-levels-pow9.ptau");
    const built = await buildCircuit("poseidon2", { ...quiet, ptau });
    expect(built.setup).toBe("ceremony");
    expect(built.setupDir).toMatch(/groth16-ceremony-[0-9a-f]{16}$/);
    const { proof, publicSignals } = await proveGroth16(built, { inputs: ["3", "4"] });
    expect(await verifyGroth16(built, proof, publicSignals)).toBe(true);

    const dev = await buildCircuit("poseidon2", quiet);
    expect(dev.compiled).toBe(false);
    expect(dev.setupDir).not.toBe(built.setupDir);
    expect(await verifyGroth16(dev, proof, publicSignals)).toBe(false);
  });

  it("refuses a file too small for the circuit with CIRCUIT_BUILD_FAILED", async () => {
    const small = await ensureDevPtau(5, { shape: "all", dir: ptauDir });
    await expect(buildCircuit("poseidon2", { ...quiet, ptau: small })).rejects.toMatchObject({
      code: "CIRCUIT_BUILD_FAILED",
    });
  });
});
