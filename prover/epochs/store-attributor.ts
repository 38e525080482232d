import type { L2Wallet } from "../../sdk/wallet.ts";
import type { StoreClient } from "../../store/client.ts";
import { EpochAttributor, type EpochAttributorOptions } from "./attributor.ts";
import { storeSources } from "./sources.ts";

/**
 * The attributor a prover node runs: settlements signed by its L2 wallet's account, models,
 * rows and inputs read from `store` with that account's key (which its readers' grants name),
 * settlements sized to the reward circuit's `shape`.
 */
export function storeAttributor(
  wallet: L2Wallet,
  store: StoreClient,
  shape: EpochAttributorOptions["shape"],
  log?: (line: string) => void,
): EpochAttributor {
  return new EpochAttributor({
    provider: wallet.provider,
    sources: storeSources({ provider: wallet.provider, params: wallet.params }, store),
    key: wallet.key.privateKey,
    proverAccount: wallet.account,
    domain: wallet.domain,
    shape,
    ...(log && { log }),
  });
}
