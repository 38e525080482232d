import type { SolidityProof } from "../../circuits/runtime/groth16-proof.ts";

/** The proof as `proveBatch` takes it: [a0, a1, b00, b01, b10, b11, c0, c1], pi_b already swapped. */
export function proofWords(p: SolidityProof): bigint[] {
  return [p.a[0], p.a[1], p.b[0][0], p.b[0][1], p.b[1][0], p.b[1][1], p.c[0], p.c[1]];
}
