import { CodedError } from "../../protocol/errors.ts";

/** Failures of the circuit build pipeline (compile, setup, verifier export). */
export const CircuitBuildErrorCode = {
  /** No such circuit in circuits/circuits.json. */
  UnknownCircuit: "UNKNOWN_CIRCUIT",
  /** circom2 or snarkjs failed, a source is missing, or a registry entry is malformed. */
  CircuitBuildFailed: "CIRCUIT_BUILD_FAILED",
  /** A file given as a Powers-of-Tau file that is not one. */
  InvalidPtau: "INVALID_PTAU",
  /** A witness that does not fit a circuit's constraint system. */
  InvalidWitness: "INVALID_WITNESS",
} as const;

export type CircuitBuildErrorCode = (typeof CircuitBuildErrorCode)[keyof typeof CircuitBuildErrorCode];

export class CircuitBuildError extends CodedError<CircuitBuildErrorCode> {
  override readonly name = "CircuitBuildError";
}
