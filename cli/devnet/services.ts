import type { Logger } from "pino";
import type { DeploymentFile } from "../../contracts/deploy/addresses.ts";
import type { DevAccount } from "./dev-accounts.ts";
import { explorerService } from "./explorer-service.ts";
import { sequencerService } from "./sequencer-service.ts";

/** What every devnet service gets: the running L1, the deployment and a folder of its own. */
export interface DevnetContext {
  l1Url: string;
  /** The port the L1 listens on; services take the ports above it (0: pick free ports). */
  l1Port: number;
  chainId: bigint;
  deployment: DeploymentFile;
  /** The devnet's data directory; a service keeps its state in a subfolder named after it. */
  dataDir: string;
  accounts: DevAccount[];
  logger: Logger;
}

export interface RunningService {
  /** Printed in the summary, when the service listens somewhere. */
  url?: string;
  stop(): Promise<void>;
}

/**
 * A component the devnet runs after the L1 is up and the contracts are deployed. Services
 * start in list order and stop in reverse; one that spawns processes must end them in stop().
 */
export interface DevnetService {
  name: string;
  start(ctx: DevnetContext): Promise<RunningService>;
}

/** The bridge relay, prover and explorer join this list as they land. */
export const DEVNET_SERVICES: DevnetService[] = [sequencerService, explorerService];
