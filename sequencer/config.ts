import type { Domain } from "../protocol/domain.ts";
import { PRODUCTION_PARAMS, type ProtocolParams, TEST_PARAMS } from "../protocol/params.ts";
import type { GovernanceParams } from "../protocol/state/leaves.ts";
import type { NodeConfig } from "./node.ts";

/** Hardhat's chain and the address its first deployment gets: the devnet's defaults. */
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

export const PARAM_SETS: Record<string, ProtocolParams> = {
  production: PRODUCTION_PARAMS,
  test: TEST_PARAMS,
};

export interface NodeOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly port?: number;
  readonly domain?: Domain;
  readonly params?: ProtocolParams;
  readonly governance?: GovernanceParams;
  readonly feeRecipient?: number;
  readonly minFee?: bigint;
  readonly batchMaxTxs?: number;
  readonly batchWithdrawals?: number;
  readonly batchRegistrySlots?: number;
  readonly batchIntervalMs?: number;
  readonly verifyWorkers?: number;
  readonly fsync?: boolean;
  readonly rpcDeposits?: boolean;
  readonly ratePerSecond?: number;
  readonly bodyLimitBytes?: number;
}

/** A full node configuration from the few options that usually change. */
export function nodeConfig(o: NodeOptions): NodeConfig {
  const perSecond = o.ratePerSecond ?? 500;
  return {
    dataDir: o.dataDir,
    host: o.host ?? "127.0.0.1",
    port: o.port ?? 8547,
    verifyWorkers: o.verifyWorkers ?? 2,
    fsync: o.fsync ?? true,
    sequencer: {
      domain: o.domain ?? DEV_DOMAIN,
      params: o.params ?? PRODUCTION_PARAMS,
      governance: o.governance ?? GENESIS_GOVERNANCE,
      feeRecipient: o.feeRecipient ?? 1,
      minFee: o.minFee ?? 0n,
      batchMaxTxs: o.batchMaxTxs ?? 512,
      batchWithdrawals: o.batchWithdrawals ?? 16,
      batchRegistrySlots: o.batchRegistrySlots ?? 16,
      batchIntervalMs: o.batchIntervalMs ?? 2000,
      mempool: { maxSize: 10_000, maxPerSender: 64, maxNonceGap: 64, replaceBumpPercent: 10 },
    },
    rpc: {
      bodyLimitBytes: o.bodyLimitBytes ?? 1024 * 1024,
      maxBatchCalls: 100,
      rateLimit: { perSecond, burst: perSecond * 2 },
      rpcDeposits: o.rpcDeposits ?? false,
    },
  };
}
