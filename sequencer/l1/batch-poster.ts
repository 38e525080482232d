import type { Withdrawal } from "../../protocol/state/batch.ts";

/**
 * The seam between the sequencer and L1. The sequencer seals batches and hands each one,
 * in order, to a BatchPoster; the L1 implementation (`l1-poster.ts`) turns it into
 * a `commitBatch` call (docs/protocol.md, section 8). The sequencer never talks to L1 itself.
 */

/** What a sealed batch commits to; every root and hash is a BN254 field element. */
export interface SealedBatch {
  /** Batch number, from 1, consecutive. */
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

export interface PostedBatch {
  /** L1 transaction that committed the batch. */
  readonly l1TxHash: string;
  /** Versioned hash of the blob that carried the batch data, 0x hex. */
  readonly blobVersionedHash: string;
  /** What commitBatch recorded (section 8). */
  readonly commitment: bigint;
}

export interface BatchPoster {
  /**
   * Commits `batch` on L1. Called once per batch, in batch order, never concurrently; a
   * rejection is logged and the same batch is offered again later.
   */
  post(batch: SealedBatch): Promise<PostedBatch>;
}
