import type { Logger } from "pino";
import type { Domain } from "../../protocol/domain.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import type { BatchRecord } from "../storage/schema.ts";
import type { Store } from "../storage/store.ts";
import type { TxVerifier } from "../workers/verifier.ts";
import type { MempoolLimits } from "./mempool.ts";

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
  readonly mempool: MempoolLimits;
}

export interface SequencerDeps {
  readonly store: Store;
  readonly verifier: TxVerifier;
  readonly logger: Logger;
  /** Called with each batch once it is durably sealed. */
  readonly onSealed?: (batch: BatchRecord) => void;
}
