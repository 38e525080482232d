import type { Domain } from "./domain.ts";
import { PRODUCTION_PARAMS, type ProtocolParams, TEST_PARAMS } from "./params.ts";
import type { GovernanceParams } from "./state/leaves.ts";

/**
 * Chain-wide genesis constants. The sequencer, the prover, the contracts' deployment and the
 * tests must start from the same genesis state root, so these live once, here.
 */

/** Hardhat's chain and the address its first deployment gets: the devnet's domain. */
export const DEV_DOMAIN: Domain = { chainId: 31337n, rollup: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

/** Genesis governance parameters until L1 governance sends others through the queue. */
export const GENESIS_GOVERNANCE: GovernanceParams = {
  dataBps: 7000,
  modelBps: 2000,
  baseModelBps: 2000,
  proverBps: 500,
  protocolBps: 500,
  epochLength: 10,
  attributionMethod: 1,
  minContributionStake: 10n ** 18n,
  minModelStake: 10n ** 19n,
};

/** The tree-size sets a node can be started with, by the name its `--params` option takes. */
export const PARAM_SETS: Readonly<Record<string, ProtocolParams>> = {
  production: PRODUCTION_PARAMS,
  test: TEST_PARAMS,
};
