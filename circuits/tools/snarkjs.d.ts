/** The part of snarkjs 0.7 (untyped upstream) that the circuit pipeline uses. */
declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export type PublicSignals = string[];
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    [key: string]: unknown;
  }
  export type CircuitSignals = Record<string, unknown>;

  export const groth16: {
    fullProve(
      input: CircuitSignals,
      wasmFile: string,
      zkeyFile: string,
    ): Promise<{ proof: Groth16Proof; publicSignals: PublicSignals }>;
    /** `witness`: a .wtns path or an in-memory `{ type: "mem", data }` from `wtns.calculate`. */
    prove(
      zkeyFile: string,
      witness: string | { type: "mem"; data?: Uint8Array },
    ): Promise<{ proof: Groth16Proof; publicSignals: PublicSignals }>;
    verify(vkey: VerificationKey, publicSignals: PublicSignals, proof: Groth16Proof): Promise<boolean>;
  };
  export const wtns: {
    calculate(
      input: CircuitSignals,
      wasmFile: string,
      out: string | { type: "mem"; data?: Uint8Array },
    ): Promise<void>;
  };
  export const zKey: {
    newZKey(r1csFile: string, ptauFile: string, zkeyFile: string): Promise<Uint8Array>;
    contribute(oldZkey: string, newZkey: string, name: string, entropy: string): Promise<Uint8Array>;
    exportVerificationKey(zkeyFile: string): Promise<VerificationKey>;
    exportSolidityVerifier(zkeyFile: string, templates: { groth16: string }): Promise<string>;
  };
  export const powersOfTau: {
    preparePhase2(oldPtau: string, newPtau: string): Promise<void>;
  };
}

/** circom's witness generator runtime (snarkjs's own dependency). */
declare module "circom_runtime" {
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: object): Promise<unknown>;
}
