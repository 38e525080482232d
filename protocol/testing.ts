import { OpenLedgerError } from "./errors.ts";
import { GENESIS_GOVERNANCE } from "./genesis.ts";
import type { ProofBinding } from "./batch/witness.ts";
import type { GovernanceParams } from "./state/leaves.ts";

/**
 * Fixtures shared by the tests of every component (and the twin vectors): one definition, so
 * a sequencer test, a circuit test and the shared vectors start from the same genesis (with
 * `DEV_DOMAIN` of genesis.ts).
 */
/** Genesis governance with stakes small enough for test amounts. */
export const TEST_GOVERNANCE: GovernanceParams = {
  ...GENESIS_GOVERNANCE,
  minContributionStake: 100n,
  minModelStake: 1000n,
};

/** The L1 address a test proof is made for (Hardhat's third dev account): its public input binds it. */
export const TEST_PROVER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

/**
 * A proof binding for circuit tests, which check the circuit against the TypeScript: any
 * versioned hash serves: version byte 0x01, then bytes near 0xff so every limb is large.
 */
export const TEST_BINDING: ProofBinding = {
  prover: TEST_PROVER,
  versionedHash: Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0xff - i)),
};

/** The code of the OpenLedgerError `f` throws, or undefined if it returns (other errors propagate). */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof OpenLedgerError) return e.code;
    throw e;
  }
  return undefined;
}
