import { explorerService } from "./explorer-service.ts";
import { inferenceService } from "./inference-service.ts";
import { proverService, proverServiceWith } from "./prover-service.ts";
import { sequencerService } from "./sequencer-service.ts";
import { storeService } from "./store-service.ts";
import type { DevnetService } from "./service.ts";

/**
 * The sequencer (with the bridge relay), the store, the explorer, the inference node (over
 * the sequencer and the store), then the prover, whose keys may still need building and which
 * attributes reward epochs unless `rewards` is off (`openledger devnet --no-rewards`).
 */
export function devnetServices(o: { readonly rewards: boolean } = { rewards: true }): DevnetService[] {
  return [
    sequencerService,
    storeService,
    explorerService,
    inferenceService,
    o.rewards ? proverService : proverServiceWith({ batches: true, rewards: false }),
  ];
}
