import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCircuit } from "./artifacts.ts";
import { REPO_ROOT, VERIFIERS_DIR } from "./paths.ts";
import { terminateSnarkjsCurve } from "../runtime/snarkjs-curve.ts";

// A private cache folder (inside the repository: circom2's sandbox) so the first build
// really compiles, whatever build/ already holds.
const buildDir = join(REPO_ROOT, "build", `test-cache-${randomBytes(4).toString("hex")}`);

describe("buildCircuit cache", () => {
  afterAll(async () => {
    await terminateSnarkjsCurve();
    await rm(buildDir, { recursive: true, force: true });
  });

  it("builds poseidon2 once, then serves every artifact from the cache", async () => {
    const firstLog: string[] = [];
    const first = await buildCircuit("poseidon2", {
      buildDir,
      verifiersDir: null,
      log: (l) => firstLog.push(l),
    });
    expect(first.compiled).toBe(true);
    expect(first.setupRan).toBe(true);
    expect(first.cached).toBe(false);
    expect(firstLog.some((l) => l.includes("compiling"))).toBe(true);
    expect(first.constraints).toBe(240);
    expect(first.nPublic).toBe(3);
    expect(first.domainPower).toBe(8);

    const secondLog: string[] = [];
    const second = await buildCircuit("poseidon2", {
      buildDir,
      verifiersDir: null,
      log: (l) => secondLog.push(l),
    });
    expect(second.cached).toBe(true);
    expect(second.compiled).toBe(false);
    expect(second.setupRan).toBe(false);
    expect(secondLog).toEqual([]);
    expect(second.hash).toBe(first.hash);
    expect(second.zkey).toBe(first.zkey);
    expect(await readFile(second.zkey)).toEqual(await readFile(first.zkey));
  });

  it("is deterministic: the committed Poseidon2Verifier.sol is what the dev setup produces", async () => {
    const built = await buildCircuit("poseidon2", { buildDir, verifiersDir: null, log: () => {} });
    const committed = await readFile(join(REPO_ROOT, VERIFIERS_DIR, "Poseidon2Verifier.sol"), "utf8");
    expect(await readFile(built.verifierSol, "utf8")).toBe(committed);
  });
});
