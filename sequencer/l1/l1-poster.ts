import { Contract, type ContractTransactionResponse, hexlify, type Signer } from "ethers";
import type { Logger } from "pino";
import { batchRootsHash, committedBatch } from "../../contracts/client/batch-roots.ts";
import { sendCommitBatch } from "../../contracts/client/commit-batch.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import type { BatchBlob } from "../../protocol/blob/kzg.ts";
import type { BatchPoster, PostedBatch, SealedBatch } from "./batch-poster.ts";
import { batchBlobOffThread } from "../workers/blob-thread.ts";

export interface L1PosterOptions {
  /** The Rollup contract. */
  rollup: string;
  /**
   * The designated, bonded sequencer's key (a Wallet), connected to an L1 provider. Give an ethers
   * JsonRpcProvider `cacheTimeout: -1`: its default 250 ms read cache can show the contract's
   * head or the nonce as they were before the previous commit (a retry, not a double post).
   */
  signer: Signer;
  /**
   * The id under which governance registered, for batch proofs, the circuit of the layout
   * this sequencer posts in. L1 binds every commit to the circuit its sequencer last named
   * (`setBatchCircuit`; the deployment's until then), and only that circuit's proof proves it.
   */
  batchCircuitId: number;
  /** First L1 block to search for earlier commits (the deployment block). */
  fromBlock?: number;
  /** Confirmations before a commit counts as posted. */
  confirmations?: number;
  /** Attempts within one post() before the error goes back to the caller's retry loop. */
  attempts?: number;
  /** First delay between attempts; doubles each time. */
  retryDelayMs?: number;
  /** Without a receipt after this long, the commit is re-sent with the same nonce and higher fees. */
  receiptTimeoutMs?: number;
  logger?: Logger;
}

/** A disagreement between the sequencer and L1 that no retry can fix. */
export class L1PosterFatalError extends Error {
  override readonly name = "L1PosterFatalError";
}

/**
 * Commits sealed batches to the Rollup contract (docs/protocol.md section 8), each batch's
 * data in an EIP-4844 blob computed on a worker thread; the signer must sign locally (a
 * Wallet), as nodes take no blobs through eth_sendTransaction. Idempotent:
 * before sending it reads the contract, so a batch already on L1 (posted before a restart,
 * or by a send whose receipt was lost) is recognised by its roots and not posted twice; the
 * contract's batch-index check backs this up. Nonces are tracked locally and re-read from the
 * chain after any failure; a commit stuck without receipt is replaced with higher fees.
 */
export class L1BatchPoster implements BatchPoster {
  private readonly rollup: Contract;
  private nonce: number | undefined;
  private readonly o: Required<Omit<L1PosterOptions, "logger">> & { logger?: Logger };

  constructor(options: L1PosterOptions) {
    this.o = {
      fromBlock: 0,
      confirmations: 1,
      attempts: 5,
      retryDelayMs: 1000,
      receiptTimeoutMs: 60_000,
      ...options,
    };
    this.rollup = new Contract(options.rollup, ROLLUP_ABI, options.signer);
  }

  async post(batch: SealedBatch): Promise<PostedBatch> {
    let delay = this.o.retryDelayMs;
    // Computed once per batch, and only if L1 does not hold the batch already.
    let blob: Promise<BatchBlob> | undefined;
    const blobOf = () => (blob ??= batchBlobOffThread(batch.batchData));
    for (let attempt = 1; ; attempt++) {
      try {
        const committed = await this.findCommitted(batch);
        if (committed) return committed;
        await this.bindCircuit();
        return await this.commit(batch, await blobOf());
      } catch (err) {
        this.nonce = undefined;
        if (err instanceof L1PosterFatalError || attempt >= this.o.attempts) throw err;
        this.o.logger?.warn({ err, batch: batch.number, attempt }, "commitBatch failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  }

  /** The commit of `batch` if L1 already holds it; throws if L1 holds something else. */
  private async findCommitted(batch: SealedBatch): Promise<PostedBatch | undefined> {
    const head = await this.rollup.getFunction("head")();
    if (head.frozen) throw new L1PosterFatalError("the rollup is frozen: no batch can be committed");
    const n = BigInt(batch.number);
    if (n > head.lastCommitted + 1n) {
      throw new Error(`L1 has batches up to ${head.lastCommitted}; batch ${n - 1n} must be posted first`);
    }
    if (n <= head.lastCommitted) {
      const committed = await committedBatch(this.rollup, n, this.o.fromBlock);
      const ours = batchRootsHash({
        postStateRoot: batch.postStateRoot,
        withdrawalsRoot: batch.withdrawalsRoot,
        queueEnd: batch.queueEnd,
      });
      if (!committed || batchRootsHash(committed.roots) !== ours) {
        throw new L1PosterFatalError(`L1 holds a different batch ${n}`);
      }
      this.o.logger?.info({ batch: batch.number }, "batch already on L1; not posting it again");
      return {
        l1TxHash: committed.l1TxHash,
        blobVersionedHash: hexlify(committed.blobVersionedHash),
        commitment: committed.commitment,
      };
    }
    const queueHashEnd = await this.rollup.getFunction("queueHashAt")(batch.queueEnd);
    if (queueHashEnd !== batch.queueHashEnd) {
      throw new L1PosterFatalError(`batch ${n} consumed L1 operations that differ from the L1 queue`);
    }
    return undefined;
  }

  /**
   * Names this sequencer's batch circuit on L1 unless it is the one new commits are bound to
   * already: a batch bound to another layout's circuit could never be proven, and would be
   * reverted with the sequencer's bond slashed (docs/contracts.md).
   */
  private async bindCircuit(): Promise<void> {
    const id = this.o.batchCircuitId;
    if (Number(await this.rollup.getFunction("batchCircuit")()) === id) return;
    this.nonce ??= await this.o.signer.getNonce("pending");
    let tx: ContractTransactionResponse;
    try {
      tx = await this.rollup.getFunction("setBatchCircuit")(id, { nonce: this.nonce });
    } catch (err) {
      // Both ethers' call exception and the in-process chain's error carry the revert data.
      const data = (err as { data?: unknown }).data;
      if (typeof data === "string" && this.rollup.interface.parseError(data)?.name === "UnknownCircuit") {
        throw new L1PosterFatalError(`batch circuit ${id} is not registered for batch proofs on L1`);
      }
      throw err;
    }
    this.nonce++;
    await tx.wait(this.o.confirmations, this.o.receiptTimeoutMs);
    this.o.logger?.info({ circuitId: id, l1TxHash: tx.hash }, "batch circuit set on L1");
  }

  private async commit(batch: SealedBatch, blob: BatchBlob): Promise<PostedBatch> {
    const fields = {
      batchIndex: BigInt(batch.number),
      preStateRoot: batch.preStateRoot,
      postStateRoot: batch.postStateRoot,
      withdrawalsRoot: batch.withdrawalsRoot,
      queueEnd: batch.queueEnd,
    };
    this.nonce ??= await this.o.signer.getNonce("pending");
    const nonce = this.nonce;
    const fees = await this.o.signer.provider!.getFeeData();
    let maxFeePerGas = fees.maxFeePerGas;
    let maxPriorityFeePerGas = fees.maxPriorityFeePerGas;
    let maxFeePerBlobGas: bigint | undefined;
    for (;;) {
      const overrides = { nonce, maxFeePerGas, maxPriorityFeePerGas, maxFeePerBlobGas };
      const tx = await sendCommitBatch(this.rollup, fields, blob, overrides);
      maxFeePerBlobGas = tx.maxFeePerBlobGas ?? undefined;
      this.nonce = nonce + 1;
      try {
        const receipt = await tx.wait(this.o.confirmations, this.o.receiptTimeoutMs);
        const event = receipt?.logs
          .map((log) => this.rollup.interface.parseLog(log))
          .find((e) => e?.name === "BatchCommitted");
        this.o.logger?.info(
          { batch: batch.number, l1TxHash: tx.hash, gasUsed: receipt?.gasUsed.toString() },
          "batch committed on L1",
        );
        return {
          l1TxHash: tx.hash,
          blobVersionedHash: hexlify(blob.versionedHash),
          commitment: BigInt(event!.args.commitment),
        };
      } catch (err) {
        if ((err as { code?: string }).code !== "TIMEOUT") throw err;
        // Same nonce, every fee doubled (what nodes ask of a blob transaction's replacement):
        // the stuck commit is replaced, never doubled.
        maxFeePerGas = bump(maxFeePerGas);
        maxPriorityFeePerGas = bump(maxPriorityFeePerGas);
        maxFeePerBlobGas = bump(maxFeePerBlobGas ?? null) ?? undefined;
        this.o.logger?.warn(
          { batch: batch.number, l1TxHash: tx.hash },
          "no receipt in time; replacing with higher fees",
        );
      }
    }
  }
}

function bump(fee: bigint | null): bigint | null {
  return fee === null ? null : fee * 2n;
}
