import type { Logger } from "pino";
import type { Domain } from "../../protocol/domain.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import type { EntryRecord } from "../storage/schema.ts";
import type { Store } from "../storage/store.ts";
import type { TxVerifier } from "../workers/verifier.ts";
import type { MempoolLimits } from "./mempool.ts";
import type { ProverRegistry, SettlementConfig } from "./settlements.ts";

/** Enough for the upper levels of every tree and the hot accounts' paths. */
export const DEFAULT_STATE_CACHE_NODES = 250_000;

/** What a sequencer is started with: its chain, its batch layout (the circuit's) and its limits. */
export interface SequencerConfig {
  readonly domain: Domain;
  readonly params: ProtocolParams;
  readonly governance: GovernanceParams;
  /** Account credited with each batch's fees. */
  readonly feeRecipient: number;
  /** Smallest fee accepted (FEE_TOO_LOW below it). */
  readonly minFee: bigint;
  /** Transactions per batch: the batch circuit's account slots. */
  readonly batchMaxTxs: number;
  /** Withdrawals per batch (a power of two, at most 2^withdrawalsDepth): the circuit's entries. */
  readonly batchWithdrawals: number;
  /** Registry transactions per batch: the circuit's registry slots (0: the circuit has none). */
  readonly batchRegistrySlots: number;
  readonly batchIntervalMs: number;
  /**
   * State tree nodes cached in memory (`storage/node-store.ts`): about 200 bytes each, so the
   * default is about 50 MB whatever the number of accounts.
   */
  readonly stateCacheNodes: number;
  readonly mempool: MempoolLimits;
  /** Reward settlements (ol_submitSettlement) are refused without it. */
  readonly settlements?: SettlementConfig;
}

export interface SequencerDeps {
  readonly store: Store;
  readonly verifier: TxVerifier;
  readonly logger: Logger;
  /** Bonded provers on L1, who alone may submit settlements; settlements are refused without it. */
  readonly provers?: ProverRegistry;
  /** Called with each entry (batch or settlement) once it is durably sealed. */
  readonly onSealed?: (entry: EntryRecord) => void;
}
