import { explorerService } from "./explorer-service.ts";
import { inferenceService } from "./inference-service.ts";
import { proverService } from "./prover-service.ts";
import { sequencerService } from "./sequencer-service.ts";
import { storeService } from "./store-service.ts";
import type { DevnetService } from "./service.ts";

/**
 * The sequencer (with the bridge relay), the store, the explorer, the inference node (over
 * the sequencer and the store), then the prover, whose keys may still need building.
 */
export const DEVNET_SERVICES: DevnetService[] = [
  sequencerService,
  storeService,
  explorerService,
  inferenceService,
  proverService,
];
