import { Contract, type ContractTransactionResponse, hexlify, type Signer } from "ethers";
import type { Logger } from "pino";
import { batchRootsHash, committedBatch } from "../../contracts/client/batch-roots.ts";
import { sendCommitBatch } from "../../contracts/client/commit-batch.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { commitSettlementArgs, committedSettlement } from "../../contracts/client/settlements.ts";
import type { BatchBlob } from "../../protocol/blob/kzg.ts";
import { OpenLedgerError } from "../../protocol/errors.ts";
import {
  type BatchPoster,
  EntriesMissingOnL1,
  type PostedBatch,
  type PostedSettlement,
  type SealedBatch,
  type SealedSettlement,
} from "./batch-poster.ts";
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
  /**
   * The circuit id settlements are committed for: a reward circuit registered for
   * PURPOSE_REWARD_EPOCH whose lanes are the sequencer's `settlements.shape`. Without it the
   * poster stops at the first settlement.
   */
  rewardCircuitId?: number;
  logger?: Logger;
}

/** The fees of one send: a stuck commit is replaced with every fee doubled. */
interface Fees {
  nonce: number;
  maxFeePerGas: bigint | null;
  maxPriorityFeePerGas: bigint | null;
  maxFeePerBlobGas?: bigint;
}

/** A disagreement between the sequencer and L1 that no retry can fix. */
export class L1PosterFatalError extends Error {
  override readonly name = "L1PosterFatalError";
}

/**
 * Commits sealed batches to the Rollup contract (docs/protocol.md section 8), each batch's
 * data in an EIP-4844 blob computed on a worker thread; the signer must sign locally (a
 * Wallet), as nodes take no blobs through eth_sendTransaction. Settlement entries go through
 * `commitSettlement` (section 11.5: no blob, the data in calldata). Idempotent:
 * before sending it reads the contract, so a batch already on L1 (posted before a restart,
 * or by a send whose receipt was lost) is recognised by its roots and not posted twice; the
 * contract's batch-index check backs this up. Nonces are tracked locally and re-read from the
 * chain after any failure; a commit stuck without receipt is replaced with higher fees.
 */
export class L1BatchPoster implements BatchPoster {
  private readonly rollup: Contract;
  private nonce: number | undefined;
  private readonly o: Required<Omit<L1PosterOptions, "logger" | "rewardCircuitId">> &
    Pick<L1PosterOptions, "logger" | "rewardCircuitId">;

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
    // Computed once per batch, and only if L1 does not hold the batch already.
    let blob: Promise<BatchBlob> | undefined;
    const blobOf = () => (blob ??= batchBlobOffThread(batch.batchData));
    return this.retrying("commitBatch", batch.number, async () => {
      const committed = await this.findCommitted(batch);
      if (committed) return committed;
      await this.bindCircuit();
      return await this.commit(batch, await blobOf());
    });
  }

  async postSettlement(s: SealedSettlement): Promise<PostedSettlement> {
    const circuitId = this.o.rewardCircuitId;
    if (circuitId === undefined) {
      throw new L1PosterFatalError(
        `entry ${s.number} is a settlement and this poster has no reward circuit id configured`,
      );
    }
    return this.retrying("commitSettlement", s.number, async () => {
      return (await this.findCommittedSettlement(s)) ?? (await this.commitSettlement(s, circuitId));
    });
  }

  /** Runs `attempt` up to `attempts` times with a doubling delay; a fatal error is not retried. */
  private async retrying<T>(what: string, entry: number, attempt: () => Promise<T>): Promise<T> {
    let delay = this.o.retryDelayMs;
    for (let n = 1; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        this.nonce = undefined;
        // Missing entries are the caller's to offer again; retrying this one cannot help.
        const hopeless = err instanceof L1PosterFatalError || err instanceof EntriesMissingOnL1;
        if (hopeless || n >= this.o.attempts) throw err;
        this.o.logger?.warn({ err, entry, attempt: n }, `${what} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay *= 2;
      }
    }
  }

  /** L1's head, checked: not frozen, and entry `n` is next or committed already. */
  private async headFor(n: bigint): Promise<{ lastCommitted: bigint }> {
    const head = await this.rollup.getFunction("head")();
    if (head.frozen) throw new L1PosterFatalError("the rollup is frozen: no entry can be committed");
    if (n > head.lastCommitted + 1n) throw new EntriesMissingOnL1(Number(n), Number(head.lastCommitted));
    return head;
  }

  /** The commit of settlement `s` if L1 already holds it; throws if L1 holds something else. */
  private async findCommittedSettlement(s: SealedSettlement): Promise<PostedSettlement | undefined> {
    const n = BigInt(s.number);
    if (n > (await this.headFor(n)).lastCommitted) return undefined;
    let committed;
    try {
      committed = await committedSettlement(this.rollup, n, s.queueEnd, this.o.fromBlock);
    } catch (err) {
      if (err instanceof OpenLedgerError) throw new L1PosterFatalError(`L1 holds a different entry ${n}`);
      throw err;
    }
    if (!committed || committed.postStateRoot !== s.postStateRoot) {
      throw new L1PosterFatalError(`L1 holds a different entry ${n}`);
    }
    this.o.logger?.info({ entry: s.number }, "settlement already on L1; not posting it again");
    return { l1TxHash: committed.l1TxHash };
  }

  private async commitSettlement(s: SealedSettlement, circuitId: number): Promise<PostedSettlement> {
    const args = commitSettlementArgs(
      {
        batchIndex: BigInt(s.number),
        preStateRoot: s.preStateRoot,
        postStateRoot: s.postStateRoot,
        scoresCommitment: s.scoresCommitment,
        settlement: s.settlement,
      },
      circuitId,
      s.epochEnd.roots,
    );
    // No gas limit: the estimate surfaces the contract's refusals as their custom errors.
    const method = this.rollup.getFunction("commitSettlement");
    const { tx } = await this.sendReplacing(s.number, (fees) => method(...args, fees));
    return { l1TxHash: tx.hash };
  }

  /** The commit of `batch` if L1 already holds it; throws if L1 holds something else. */
  private async findCommitted(batch: SealedBatch): Promise<PostedBatch | undefined> {
    const n = BigInt(batch.number);
    const head = await this.headFor(n);
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
    const { tx, receipt } = await this.sendReplacing(batch.number, (fees) =>
      sendCommitBatch(this.rollup, fields, blob, fees),
    );
    const event = receipt?.logs
      .map((log) => this.rollup.interface.parseLog(log))
      .find((e) => e?.name === "BatchCommitted");
    return {
      l1TxHash: tx.hash,
      blobVersionedHash: hexlify(blob.versionedHash),
      commitment: BigInt(event!.args.commitment),
    };
  }

  /**
   * Sends with this poster's next nonce and waits for the receipt; without one in time, sends
   * again with the same nonce and every fee doubled (what nodes ask of a blob transaction's
   * replacement): a stuck commit is replaced, never doubled.
   */
  private async sendReplacing(entry: number, send: (fees: Fees) => Promise<ContractTransactionResponse>) {
    this.nonce ??= await this.o.signer.getNonce("pending");
    const data = await this.o.signer.provider!.getFeeData();
    const fees: Fees = {
      nonce: this.nonce,
      maxFeePerGas: data.maxFeePerGas,
      maxPriorityFeePerGas: data.maxPriorityFeePerGas,
    };
    for (;;) {
      const tx = await send(fees);
      fees.maxFeePerBlobGas = tx.maxFeePerBlobGas ?? undefined;
      this.nonce = fees.nonce + 1;
      try {
        const receipt = await tx.wait(this.o.confirmations, this.o.receiptTimeoutMs);
        this.o.logger?.info(
          { entry, l1TxHash: tx.hash, gasUsed: receipt?.gasUsed.toString() },
          "entry committed on L1",
        );
        return { tx, receipt };
      } catch (err) {
        if ((err as { code?: string }).code !== "TIMEOUT") throw err;
        fees.maxFeePerGas = bump(fees.maxFeePerGas);
        fees.maxPriorityFeePerGas = bump(fees.maxPriorityFeePerGas);
        fees.maxFeePerBlobGas = bump(fees.maxFeePerBlobGas ?? null) ?? undefined;
        this.o.logger?.warn({ entry, l1TxHash: tx.hash }, "no receipt in time; replacing with higher fees");
      }
    }
  }
}

function bump(fee: bigint | null): bigint | null {
  return fee === null ? null : fee * 2n;
}
