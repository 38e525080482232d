import type { Domain } from "../protocol/domain.ts";
import { DEV_DOMAIN, GENESIS_GOVERNANCE } from "../protocol/genesis.ts";
import { PRODUCTION_PARAMS, type ProtocolParams } from "../protocol/params.ts";
import type { GovernanceParams } from "../protocol/state/leaves.ts";
import { DEFAULT_STATE_CACHE_NODES } from "./core/config.ts";
import type { SettlementConfig } from "./core/settlements.ts";
import type { NodeConfig } from "./node.ts";

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
  readonly stateCacheNodes?: number;
  readonly rpcDeposits?: boolean;
  readonly ratePerSecond?: number;
  readonly bodyLimitBytes?: number;
  /** The treasury account and the reward circuit's lanes: without them settlements are refused. */
  readonly settlements?: SettlementConfig;
  /** Blob archive directory: the L1 poster keeps each batch's data there, the RPC serves it. */
  readonly blobArchive?: string;
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
      stateCacheNodes: o.stateCacheNodes ?? DEFAULT_STATE_CACHE_NODES,
      mempool: { maxSize: 10_000, maxPerSender: 64, maxNonceGap: 64, replaceBumpPercent: 10 },
      settlements: o.settlements,
    },
    rpc: {
      bodyLimitBytes: o.bodyLimitBytes ?? 1024 * 1024,
      maxBatchCalls: 100,
      rateLimit: { perSecond, burst: perSecond * 2 },
      rpcDeposits: o.rpcDeposits ?? false,
      blobArchive: o.blobArchive,
    },
  };
}
