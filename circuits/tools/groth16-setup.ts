/**
 * Circuit-specific Groth16 setup with snarkjs: proving key (zkey) and verification key.
 *
 * - INSECURE dev setup: the zkey `snarkjs zkey new` would write from the known-tau ptau of
 *   circuits/setup with no phase-2 contribution (delta = 1), computed directly from tau
 *   (circuits/setup/dev-zkey.ts, byte-identical, minutes faster). Deterministic, so every
 *   machine gets the same keys and verifier contracts. Anyone can forge proofs: dev and tests only.
 * - Ceremony: a public Powers-of-Tau file by path, then one phase-2 contribution with fresh
 *   randomness from this machine. A real deployment adds more phase-2 contributors (snarkjs
 *   `zkey contribute`) before exporting the verifier; see docs/circuits.md.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { zKey } from "snarkjs";
import { writeDevZkey } from "../setup/dev-zkey.ts";
import { INSECURE_DEV_SEED } from "../setup/insecure-dev-secrets.ts";
import { readPtauPower } from "../setup/ptau-file.ts";
import { fileSha256, hashOf } from "./cache-key.ts";
import { CircuitBuildError, CircuitBuildErrorCode } from "./errors.ts";

export type TrustedSetup = { kind: "insecure-dev" } | { kind: "ceremony"; ptau: string };

export interface SetupFiles {
  zkey: string;
  vkey: string;
}

/**
 * The name of the setup's cache folder: readable kind plus a hash of what determines the keys.
 * The dev zkey is the bytes snarkjs's `zkey new` writes (dev-zkey.test.ts), so writing it
 * without snarkjs changes no key: the dev hash is unchanged and existing caches stay valid.
 */
export async function setupDirName(setup: TrustedSetup, snarkjsVersion: string): Promise<string> {
  if (setup.kind === "insecure-dev") {
    return `groth16-INSECURE-dev-${hashOf({ snarkjsVersion, seed: INSECURE_DEV_SEED })}`;
  }
  return `groth16-ceremony-${hashOf({ snarkjsVersion, ptau: await fileSha256(setup.ptau) })}`;
}

export async function groth16Setup(
  r1cs: string,
  domainPower: number,
  setup: TrustedSetup,
  outDir: string,
  log: (line: string) => void,
): Promise<SetupFiles> {
  const name = basename(r1cs, ".r1cs");
  const zkey = join(outDir, `${name}.zkey`);
  const vkey = join(outDir, `${name}.vkey.json`);
  if (setup.kind === "insecure-dev") {
    log(`${name}: zkey from the INSECURE dev tau (2^${domainPower}), no phase-2 contribution`);
    await writeDevZkey(r1cs, zkey, log);
  } else {
    const power = await readPtauPower(setup.ptau);
    if (power < domainPower) {
      throw new CircuitBuildError(
        CircuitBuildErrorCode.CircuitBuildFailed,
        `${name} needs a ptau of power >= ${domainPower}; ${setup.ptau} has ${power}`,
        { circuit: name, needed: domainPower, ptauPower: power },
      );
    }
    const initial = join(outDir, `${name}.phase2-initial.zkey`);
    log(`${name}: zkey from ceremony ptau ${setup.ptau}, then one phase-2 contribution`);
    checkZkey(await zKey.newZKey(r1cs, setup.ptau, initial), name);
    await zKey.contribute(initial, zkey, "OpenLedger build", randomBytes(64).toString("hex"));
  }
  await writeFile(vkey, `${JSON.stringify(await zKey.exportVerificationKey(zkey), null, 2)}\n`);
  return { zkey, vkey };
}

/** snarkjs's newZKey reports failure by returning -1, not by throwing. */
function checkZkey(result: unknown, name: string): void {
  if (!(result instanceof Uint8Array)) {
    throw new CircuitBuildError(
      CircuitBuildErrorCode.CircuitBuildFailed,
      `snarkjs zkey new failed for ${name}`,
      {
        circuit: name,
      },
    );
  }
}
