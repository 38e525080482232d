/**
 * commitBatch as a type-3 transaction: the batch's data travels in the blob sidecar, and the
 * call carries the blob's opening at z (docs/protocol.md section 8.2). The signer must sign
 * locally (an ethers Wallet): a node's eth_sendTransaction takes no blobs.
 */
import {
  type Contract,
  type ContractTransactionResponse,
  concat,
  hexlify,
  type Overrides,
  type Signer,
  toBeHex,
} from "ethers";
import type { BatchBlob } from "../../protocol/blob/kzg.ts";

export interface BatchCommitmentFields {
  readonly batchIndex: bigint;
  readonly preStateRoot: bigint;
  readonly postStateRoot: bigint;
  readonly withdrawalsRoot: bigint;
  /** Priority-queue operations consumed once the batch applies (a prefix length). */
  readonly queueEnd: bigint;
}

/** Both ethers' JsonRpcProvider and Hardhat's provider take raw JSON-RPC calls. */
interface RpcSender {
  send(method: string, params: unknown[]): Promise<string>;
}

/** commitBatch's two arguments: the Commitment and the BlobOpening struct. */
export function commitBatchArgs(c: BatchCommitmentFields, blob: BatchBlob) {
  return [
    {
      batchIndex: c.batchIndex,
      preStateRoot: toBeHex(c.preStateRoot, 32),
      postStateRoot: toBeHex(c.postStateRoot, 32),
      withdrawalsRoot: toBeHex(c.withdrawalsRoot, 32),
      queueEnd: c.queueEnd,
    },
    { z: blob.z, y: blob.y, kzg: concat([blob.commitment, blob.pointProof]) },
  ] as const;
}

/** The transaction fields that attach `blob`: ethers builds the sidecar from them. */
export function blobFields(blob: BatchBlob, maxFeePerBlobGas: bigint) {
  return {
    type: 3,
    blobs: [{ data: blob.blob, proof: blob.blobProof, commitment: blob.commitment }],
    maxFeePerBlobGas,
  };
}

/**
 * commitBatch's gas does not grow with the batch (one point evaluation, two storage writes, the
 * Poseidon fold of its commitment): about 341,459 measured (bench:gas), and at most about 80k
 * more for the finality it syncs (SYNC_STEPS proven batches), so a fixed limit with headroom.
 */
export const COMMIT_BATCH_GAS_LIMIT = 500_000n;

/**
 * Sends commitBatch with `blob` attached, after a simulation that surfaces the contract's
 * refusals (wrong caller, index, pre-state root, queue end) as their custom errors. A node
 * that ignores `blobVersionedHashes` in eth_call (Hardhat's EDR does) stops the simulation at
 * NoBlob, after every other check has passed: that is taken as a pass. Blob gas is offered at
 * twice the current blob base fee (`eth_blobBaseFee`) unless `overrides` says otherwise.
 */
export async function sendCommitBatch(
  rollup: Contract,
  c: BatchCommitmentFields,
  blob: BatchBlob,
  overrides: Overrides & { maxFeePerBlobGas?: bigint | null } = {},
): Promise<ContractTransactionResponse> {
  const provider = (rollup.runner as Signer).provider as unknown as RpcSender;
  const maxFeePerBlobGas =
    overrides.maxFeePerBlobGas ?? 2n * BigInt(await provider.send("eth_blobBaseFee", []));
  const args = commitBatchArgs(c, blob);
  const method = rollup.getFunction("commitBatch");
  try {
    await method.staticCall(...args, { blobVersionedHashes: [hexlify(blob.versionedHash)] });
  } catch (e) {
    const data = (e as { data?: unknown }).data;
    if (typeof data !== "string" || !data.startsWith(rollup.interface.getError("NoBlob")!.selector)) throw e;
  }
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined && v !== null),
  );
  return method(...args, {
    gasLimit: COMMIT_BATCH_GAS_LIMIT,
    ...given,
    ...blobFields(blob, maxFeePerBlobGas),
  });
}
