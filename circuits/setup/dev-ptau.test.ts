import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { powersOfTau } from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurve } from "../runtime/snarkjs-curve.ts";
import { ensureDevPtau, writeDevPtau } from "./dev-ptau.ts";
import { readPtauFile, writePtauFile } from "./ptau-file.ts";

const POWER = 5;
const G1 = 64;
const G2 = 128;

describe("INSECURE dev ptau", () => {
  let dir: string;
  let allLevels: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dev-ptau-"));
    allLevels = join(dir, "all.ptau");
    await writeDevPtau(allLevels, POWER, "all");
  });

  afterAll(async () => {
    await terminateSnarkjsCurve();
    await rm(dir, { recursive: true, force: true });
  });

  it("is byte-identical to snarkjs's own `prepare phase2` of the same powers of tau", async () => {
    // Keep only the raw powers (sections 1-7) and let snarkjs compute the Lagrange sections.
    const raw = (await readPtauFile(allLevels)).filter((s) => s.id <= 7);
    const unprepared = join(dir, "unprepared.ptau");
    const prepared = join(dir, "snarkjs-prepared.ptau");
    await writePtauFile(unprepared, raw);
    await powersOfTau.preparePhase2(unprepared, prepared);
    expect(Buffer.compare(await readFile(prepared), await readFile(allLevels))).toBe(0);
  });

  it("groth16-only shape holds exactly the bytes `zkey new` reads from the full file", async () => {
    const full = await readPtauFile(allLevels);
    const only = await readPtauFile(await ensureDevPtau(POWER, { shape: "groth16", dir }));
    const section = (file: typeof full, id: number) => Buffer.from(file.find((s) => s.id === id)!.parts[0]!);
    const n = 2 ** POWER;
    expect(section(only, 1)).toEqual(section(full, 1));
    expect(section(only, 2)).toEqual(section(full, 2));
    for (const id of [4, 5]) expect(section(only, id)).toEqual(section(full, id).subarray(0, G1));
    expect(section(only, 6)).toEqual(section(full, 6));
    // Section 12: levels power and power+1 (3n points after the 2^power - 1 lower-level ones).
    const from12 = (n - 1) * G1;
    expect(section(only, 12).subarray(from12)).toEqual(section(full, 12).subarray(from12));
    expect(section(only, 13).subarray((n - 1) * G2)).toEqual(section(full, 13).subarray((n - 1) * G2));
    for (const id of [14, 15]) {
      expect(section(only, id).subarray((n - 1) * G1)).toEqual(section(full, id).subarray((n - 1) * G1));
    }
  });

  it("is cached: a second request returns the same file without regenerating it", async () => {
    const path = await ensureDevPtau(POWER, { shape: "all", dir: join(dir, "cache") });
    await copyFile(allLevels, `${path}.expected`);
    const lines: string[] = [];
    const again = await ensureDevPtau(POWER, {
      shape: "all",
      dir: join(dir, "cache"),
      log: (l) => lines.push(l),
    });
    expect(again).toBe(path);
    expect(lines).toEqual([]);
    expect(Buffer.compare(await readFile(again), await readFile(`${path}.expected`))).toBe(0);
  });
});
