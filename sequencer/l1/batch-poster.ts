import type { BatchRoots } from "../../contracts/client/batch-roots.ts";
import { settlementRoots } from "../../contracts/client/settlements.ts";
import type { Settlement } from "../../protocol/rewards/settlement.ts";
import type { Withdrawal } from "../../protocol/state/batch.ts";

/**
 * The seam between the sequencer and L1. The sequencer seals entries (batches and reward
 * settlements) and hands each one, in order, to a BatchPoster; the L1 implementation
 * (`l1-poster.ts`) turns a batch into a `commitBatch` call (docs/protocol.md, section 8) and a
 * settlement into `commitSettlement` (section 11.5). The sequencer never talks to L1 itself.
 */

/** What a sealed batch commits to; every root and hash is a BN254 field element. */
export interface SealedBatch {
  readonly kind: "batch";
  /** Entry number, from 1, consecutive over batches and settlements. */
  readonly number: number;
  readonly preStateRoot: bigint;
  readonly postStateRoot: bigint;
  /**
   * Batch data in the batch circuit's fixed layout (docs/protocol.md section 8), posted in
   * an EIP-4844 blob (section 8.2).
   */
  readonly batchData: Uint8Array;
  /** L1 priority-queue range consumed: indices [queueStart, queueEnd). */
  readonly queueStart: bigint;
  readonly queueEnd: bigint;
  /** Rolling queue hash before and after the consumed range. */
  readonly queueHashStart: bigint;
  readonly queueHashEnd: bigint;
  readonly withdrawals: readonly Withdrawal[];
  /** Root of the binary Poseidon tree over the withdrawals (depth `withdrawalsDepth`). */
  readonly withdrawalsRoot: bigint;
  /** Transaction ids (txHash as 0x hex) in execution order. */
  readonly txHashes: readonly string[];
}

/** What a sealed reward settlement commits to (docs/protocol.md §11.5). */
export interface SealedSettlement {
  readonly kind: "settlement";
  /** Entry number: the next after the entry before it, batch or settlement. */
  readonly number: number;
  readonly preStateRoot: bigint;
  readonly postStateRoot: bigint;
  /** The queue position it leaves, unchanged (a settlement consumes no L1 operation). */
  readonly queueEnd: bigint;
  readonly settlement: Settlement;
  /** §11.3, over the lanes of the reward circuit the sequencer is configured with. */
  readonly scoresCommitment: bigint;
  /** The epoch's last entry and the roots L1 holds for it. */
  readonly epochEnd: { readonly entry: number; readonly roots: BatchRoots };
}

export type SealedEntry = SealedBatch | SealedSettlement;

/** The roots L1 stores for an entry; a settlement has no withdrawals (its root is 0). */
export function entryRoots(e: SealedEntry): BatchRoots {
  return e.kind === "settlement"
    ? settlementRoots(e.postStateRoot, e.queueEnd)
    : { postStateRoot: e.postStateRoot, withdrawalsRoot: e.withdrawalsRoot, queueEnd: e.queueEnd };
}

export interface PostedBatch {
  /** L1 transaction that committed the batch. */
  readonly l1TxHash: string;
  /** Versioned hash of the blob that carried the batch data, 0x hex. */
  readonly blobVersionedHash: string;
  /** What commitBatch recorded (section 8). */
  readonly commitment: bigint;
}

/** A settlement's commit: no blob, no batch commitment. */
export interface PostedSettlement {
  readonly l1TxHash: string;
}

/**
 * L1 holds fewer entries than the one offered needs before it: a commit that counted as
 * posted is gone (an L1 reorg deeper than the poster's confirmations), and the entries after
 * `lastCommitted` must be posted again, in order, first.
 */
export class EntriesMissingOnL1 extends Error {
  override readonly name = "EntriesMissingOnL1";

  constructor(
    readonly entry: number,
    readonly lastCommitted: number,
  ) {
    super(`L1 has entries up to ${lastCommitted}; entry ${entry - 1} must be posted first`);
  }
}

export interface BatchPoster {
  /**
   * Commits `batch` on L1. Entries are offered once each, in entry order, never concurrently
   * (a batch through this method, a settlement through `postSettlement`); a rejection is
   * logged and the same entry is offered again later, after the missing ones for
   * EntriesMissingOnL1.
   */
  post(batch: SealedBatch): Promise<PostedBatch>;
  postSettlement(settlement: SealedSettlement): Promise<PostedSettlement>;
}
