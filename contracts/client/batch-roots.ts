/**
 * A committed batch's roots. The rollup stores only their hash (docs/protocol.md section 8):
 * claims and freeze take them as an argument, and clients read them from the batch's
 * BatchCommitted event, checked against the stored hash.
 */
import { AbiCoder, type Contract, getBytes, keccak256, toBeHex } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";

export interface BatchRoots {
  readonly postStateRoot: bigint;
  readonly withdrawalsRoot: bigint;
  /** Priority-queue operations consumed once the batch applies (a prefix length). */
  readonly queueEnd: bigint;
}

/** The `BatchRoots` struct argument of claimWithdrawal and freeze. */
export function rootsArg(r: BatchRoots) {
  return {
    postStateRoot: toBeHex(r.postStateRoot, 32),
    withdrawalsRoot: toBeHex(r.withdrawalsRoot, 32),
    queueEnd: r.queueEnd,
  };
}

/**
 * The low 224 bits of keccak256(abi.encode(roots)), as bytes32: what the rollup keeps of a
 * batch's roots (`batch(i).rootsHash`; the slot's top 32 bits hold the commit time).
 */
export function batchRootsHash(r: BatchRoots): string {
  const hash = keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["bytes32", "bytes32", "uint64"],
      [toBeHex(r.postStateRoot, 32), toBeHex(r.withdrawalsRoot, 32), r.queueEnd],
    ),
  );
  return toBeHex(BigInt(hash) & ((1n << 224n) - 1n), 32);
}

/** Genesis (batch 0): the genesis state root, no withdrawals, no queue consumed. */
export function genesisRoots(genesisStateRoot: bigint): BatchRoots {
  return { postStateRoot: genesisStateRoot, withdrawalsRoot: 0n, queueEnd: 0n };
}

export interface CommittedBatch {
  readonly roots: BatchRoots;
  /** The versioned hash of the blob holding the batch's data (a proof binds it). */
  readonly blobVersionedHash: Uint8Array;
  /** What commitBatch recorded: the proof's public input binds it to the prover. */
  readonly commitment: bigint;
  readonly l1TxHash: string;
  readonly l1Block: number;
}

/**
 * Batch `batchIndex` (>= 1) as its BatchCommitted event gives it, checked against the hash L1
 * stores; undefined if it is not committed. `rollup` needs the client ABI (contracts/client).
 * `fromBlock`: the rollup's deployment block.
 */
export async function committedBatch(
  rollup: Contract,
  batchIndex: bigint | number,
  fromBlock = 0,
): Promise<CommittedBatch | undefined> {
  // The stored hash first: logs read after it include the commit it shows (the other order
  // races with a commit mined between the two reads).
  const stored = ((await rollup.getFunction("batch")(batchIndex)) as { rootsHash: string }).rootsHash;
  if (BigInt(stored) === 0n) return undefined;
  const logs = await rollup.queryFilter(rollup.filters.BatchCommitted!(batchIndex), fromBlock);
  // A reorganised commit can leave a stale log beside the current one: the stored hash decides.
  for (const log of logs.reverse()) {
    if (!("args" in log)) continue;
    const roots: BatchRoots = {
      postStateRoot: BigInt(log.args.postStateRoot),
      withdrawalsRoot: BigInt(log.args.withdrawalsRoot),
      queueEnd: BigInt(log.args.queueEnd),
    };
    if (batchRootsHash(roots) === stored) {
      return {
        roots,
        blobVersionedHash: getBytes(log.args.blobVersionedHash),
        commitment: BigInt(log.args.commitment),
        l1TxHash: log.transactionHash,
        l1Block: log.blockNumber,
      };
    }
  }
  throw new OpenLedgerError(
    ErrorCode.StateCorrupt,
    `batch ${batchIndex} is committed on L1 but no BatchCommitted event from block ${fromBlock} matches it`,
  );
}
