/**
 * INSECURE dev Powers of Tau: a prepared (phase-2 ready) .ptau computed from a known tau.
 *
 * snarkjs's own path (new, contribute, prepare phase2) spends minutes in group FFTs; here
 * every point is scalar * generator with the scalar computed directly (tau^i, or the
 * Lagrange evaluation L_i(tau)), which gives the same bytes (checked against snarkjs in
 * dev-ptau.test.ts) in seconds. Points are multiplied in child processes, one per core.
 *
 * Two shapes:
 * - "all": every section and every level, byte-identical to `snarkjs powersoftau prepare
 *   phase2` for this tau. Usable with any circuit up to 2^power.
 * - "groth16": only what `snarkjs zkey new` reads for a circuit whose domain is exactly
 *   2^power (tau powers, Lagrange level power and power+1, first alpha/beta points); other
 *   levels are zero-filled. About half the work. Valid ONLY for that exact domain size.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { withBuildLock } from "../tools/build-lock.ts";
import { PTAU_DIR, REPO_ROOT } from "../tools/paths.ts";
import { BN254_Q, encodeScalars, FR_ORDER, lagrangeEvaluations, powers } from "./bn254-scalars.ts";
import { FixedBasePool } from "./fixed-base-pool.ts";
import type { Group } from "./fixed-base-protocol.ts";
import { insecureDevSecrets } from "./insecure-dev-secrets.ts";
import { type PtauSection, ptauHeader, writePtauFile } from "./ptau-file.ts";

export type DevPtauShape = "groth16" | "all";

const POINT_BYTES: Record<Group, number> = { G1: 64, G2: 128 };
/** ffjavascript's roots of unity stop at 2^28; snarkjs caps ptau files there too. */
const MAX_POWER = 27;

export interface DevPtauOptions {
  shape?: DevPtauShape;
  /** Folder of the cache; default build/ptau under the repository root. */
  dir?: string;
  log?: (line: string) => void;
}

export function devPtauFileName(power: number, shape: DevPtauShape): string {
  return `INSECURE-dev-${shape === "all" ? "all-levels" : "groth16-only"}-pow${power}.ptau`;
}

/** The cached dev ptau for `power`, generated first if missing. Safe to call concurrently. */
export async function ensureDevPtau(power: number, options: DevPtauOptions = {}): Promise<string> {
  const shape = options.shape ?? "groth16";
  const dir = options.dir ?? join(REPO_ROOT, PTAU_DIR);
  const path = join(dir, devPtauFileName(power, shape));
  if (await exists(path)) return path;
  await mkdir(dir, { recursive: true });
  const log = options.log ?? (() => {});
  await withBuildLock(
    `${path}.lock`,
    () => log(`waiting for another process writing ${devPtauFileName(power, shape)}`),
    async () => {
      if (await exists(path)) return;
      const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await writeDevPtau(tmp, power, shape, log);
        // rename is atomic: a reader sees either no file or a whole one.
        await rename(tmp, path);
      } finally {
        await rm(tmp, { force: true });
      }
    },
  );
  return path;
}

export async function writeDevPtau(
  path: string,
  power: number,
  shape: DevPtauShape,
  log: (line: string) => void = () => {},
): Promise<void> {
  if (!Number.isInteger(power) || power < 1 || power > MAX_POWER) {
    throw new RangeError(`ptau power must be an integer in 1..${MAX_POWER}, got ${power}`);
  }
  const started = performance.now();
  log(`INSECURE dev setup (dev/test only, tau is public): writing 2^${power} ptau, ${shape} levels`);
  const { tau, alpha, beta } = insecureDevSecrets();
  const all = shape === "all";
  const n = 2 ** power;
  const pool = new FixedBasePool();
  const mul = (group: Group, scalars: bigint[]) => pool.multiply(group, encodeScalars(scalars));
  const zeros = (group: Group, count: number) => new Uint8Array(count * POINT_BYTES[group]);
  try {
    const lagrange: Uint8Array[][] = [[], [], [], []];
    for (let level = 0; level <= power; level++) {
      if (!all && level < power) {
        const count = 2 ** level;
        lagrange[0]!.push(zeros("G1", count));
        lagrange[1]!.push(zeros("G2", count));
        lagrange[2]!.push(zeros("G1", count));
        lagrange[3]!.push(zeros("G1", count));
        continue;
      }
      const l = lagrangeEvaluations(tau, level);
      lagrange[0]!.push(await mul("G1", l));
      lagrange[1]!.push(await mul("G2", l));
      lagrange[2]!.push(await mul("G1", scale(l, alpha)));
      lagrange[3]!.push(await mul("G1", scale(l, beta)));
    }
    // Level power+1 of tauG1 feeds the H query of `zkey new` (its odd entries).
    lagrange[0]!.push(await mul("G1", lagrangeEvaluations(tau, power + 1, 1n, true)));

    const sections: PtauSection[] = [
      { id: 1, parts: [ptauHeader(BN254_Q, power)] },
      { id: 2, parts: [await mul("G1", powers(tau, 2 * n - 1))] },
      { id: 3, parts: [await mul("G2", powers(tau, all ? n : 1))] },
      { id: 4, parts: [await mul("G1", powers(tau, all ? n : 1, alpha))] },
      { id: 5, parts: [await mul("G1", powers(tau, all ? n : 1, beta))] },
      { id: 6, parts: [await mul("G2", [beta])] },
      // No contributions recorded: this file comes from no ceremony.
      { id: 7, parts: [new Uint8Array(4)] },
      { id: 12, parts: lagrange[0]! },
      { id: 13, parts: lagrange[1]! },
      { id: 14, parts: lagrange[2]! },
      { id: 15, parts: lagrange[3]! },
    ];
    await writePtauFile(path, sections);
  } finally {
    pool.close();
  }
  log(
    `INSECURE dev setup: 2^${power} ptau written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

function scale(values: bigint[], factor: bigint): bigint[] {
  return values.map((v) => (v * factor) % FR_ORDER);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
