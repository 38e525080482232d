/**
 * The toxic waste of the INSECURE dev trusted setup, derived from a fixed public seed.
 *
 * Anyone who reads this file knows tau, alpha and beta and can forge proofs for every
 * circuit keyed with the dev setup. That is the point: tests and the devnet get a fast,
 * reproducible setup (the same verifier contracts on every machine). Production must use
 * a public Powers-of-Tau ceremony file instead (`--ptau <file>`).
 */
import { createHash } from "node:crypto";
import { FR_ORDER } from "./bn254-scalars.ts";

export const INSECURE_DEV_SEED = "OpenLedger INSECURE dev trusted setup, seed v1: never use in production";

export interface DevSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

/** sha256(seed || "/" || label) reduced mod r; the seed is public, so these are too. */
function derive(label: string): bigint {
  const digest = createHash("sha256").update(`${INSECURE_DEV_SEED}/${label}`).digest("hex");
  const value = BigInt(`0x${digest}`) % FR_ORDER;
  if (value === 0n) throw new Error(`dev secret ${label} is zero: change the seed`);
  return value;
}

export function insecureDevSecrets(): DevSecrets {
  return { tau: derive("tau"), alpha: derive("alpha"), beta: derive("beta") };
}
