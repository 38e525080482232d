import type { Logger } from "pino";
import type { DeploymentFile } from "../../contracts/deploy/addresses.ts";
import type { DevAccount } from "../../contracts/deploy/dev-accounts.ts";

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
  /** URLs of the services started before this one, by name. */
  urls: ReadonlyMap<string, string>;
  logger: Logger;
}

export interface RunningService {
  /** Printed in the summary, when the service listens somewhere. */
  url?: string;
  /** Printed in the summary when it has no URL: what it does. */
  about?: string;
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
