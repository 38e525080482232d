/**
 * Proving and verifying with a built circuit's files (snarkjs), and the proof in the form the
 * exported Solidity verifier takes. Runtime code: the prover node and the contract clients use
 * it; the build pipeline (circuits/tools) produces the files it reads.
 */
import { readFile } from "node:fs/promises";
import {
  type CircuitSignals,
  type Groth16Proof,
  groth16,
  type PublicSignals,
  type VerificationKey,
} from "snarkjs";

export type { CircuitSignals, Groth16Proof, PublicSignals };

/** The files of a built circuit that proving and verifying read (paths). */
export interface ProvingFiles {
  readonly wasm: string;
  readonly zkey: string;
  readonly vkey: string;
}

export interface Groth16Result {
  proof: Groth16Proof;
  publicSignals: PublicSignals;
}

/** The arguments of `verifyProof(uint[2] _pA, uint[2][2] _pB, uint[2] _pC, uint[N] _pubSignals)`. */
export interface SolidityProof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
  publicSignals: bigint[];
}

export async function proveGroth16(
  artifacts: Pick<ProvingFiles, "wasm" | "zkey">,
  input: CircuitSignals,
): Promise<Groth16Result> {
  return groth16.fullProve(input, artifacts.wasm, artifacts.zkey);
}

export async function verifyGroth16(
  artifacts: Pick<ProvingFiles, "vkey">,
  proof: Groth16Proof,
  publicSignals: PublicSignals,
): Promise<boolean> {
  return groth16.verify(await loadVerificationKey(artifacts), publicSignals, proof);
}

export async function loadVerificationKey(artifacts: Pick<ProvingFiles, "vkey">): Promise<VerificationKey> {
  return JSON.parse(await readFile(artifacts.vkey, "utf8")) as VerificationKey;
}

/**
 * The EVM pairing precompile takes G2 coordinates as (imaginary, real), snarkjs writes
 * (real, imaginary): each pair of pi_b is swapped.
 */
export function toSolidityProof(proof: Groth16Proof, publicSignals: PublicSignals): SolidityProof {
  const n = (s: string | undefined) => BigInt(s!);
  const [b0, b1] = [proof.pi_b[0]!, proof.pi_b[1]!];
  return {
    a: [n(proof.pi_a[0]), n(proof.pi_a[1])],
    b: [
      [n(b0[1]), n(b0[0])],
      [n(b1[1]), n(b1[0])],
    ],
    c: [n(proof.pi_c[0]), n(proof.pi_c[1])],
    publicSignals: publicSignals.map((s) => BigInt(s)),
  };
}
