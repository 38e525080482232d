import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { deriveL2Key, type L2KeyPair } from "../../protocol/keys.ts";
import type { DevnetContext } from "./service.ts";

/** Dev account #2: bonded as the prover at deployment; the devnet's prover and compute operator. */
export const DEV_PROVER = 2;

/**
 * The devnet prover's L2 key, derived from dev account #2's Ethereum key as `openledger key`
 * derives any user's: it signs settlements, attestations and store requests, and the stored
 * inputs and granted rows are wrapped for its store identity. The Ethereum key is Hardhat's
 * public test key, so nothing secret needs keeping; the L2 key is never printed.
 */
export function devProverKey(ctx: DevnetContext): Promise<L2KeyPair> {
  return deriveL2Key(devWallet(DEV_PROVER), {
    chainId: ctx.chainId,
    rollup: ctx.deployment.contracts.rollup,
  });
}
