import { Contract, Interface, type Log, type Provider } from "ethers";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { ExplorerError, ExplorerErrorCode } from "./errors.ts";

/**
 * Where a batch stands on L1: sealed by the sequencer only, committed (its data and roots on
 * L1), proven (its Groth16 proof verified) or final (it and every batch before it proven).
 */
export type L1BatchStatus = "sealed" | "committed" | "proven" | "final";

export interface L1BatchInfo {
  readonly status: L1BatchStatus;
  readonly commitTx: string | null;
  readonly commitBlock: number | null;
  /** The post-state root L1 holds for the batch. */
  readonly postStateRoot: string | null;
  readonly proveTx: string | null;
  readonly prover: string | null;
}

export interface L1Head {
  readonly chainId: string;
  readonly block: number;
  readonly rollup: string;
  readonly lastCommitted: number;
  /** Counting proofs not yet synced on chain (the contract's lastFinalizedBatch()). */
  readonly lastFinalized: number;
  readonly queueCommitted: string;
  readonly frozen: boolean;
}

export interface L1Snapshot {
  readonly head: L1Head;
  batch(n: number): L1BatchInfo;
}

interface Commit {
  readonly tx: string;
  readonly block: number;
  readonly postStateRoot: string;
}
interface Proof {
  readonly tx: string;
  readonly block: number;
  readonly prover: string;
}

export interface L1StatusOptions {
  readonly provider: Provider;
  readonly rollup: string;
  /** First block to read events from: the rollup's deployment block. */
  readonly fromBlock?: number;
  /** Blocks read per eth_getLogs call (public nodes cap the range). */
  readonly logRange?: number;
  /** Recent blocks read again on every sync, so logs of a reorganised block are replaced. */
  readonly reorgDepth?: number;
  /** How long one snapshot answers every request (0: each request reads L1). */
  readonly cacheMs?: number;
}

export function batchStatus(n: number, head: L1Head, committed: boolean, proven: boolean): L1BatchStatus {
  if (n <= head.lastFinalized) return "final";
  if (proven) return "proven";
  if (committed || n <= head.lastCommitted) return "committed";
  return "sealed";
}

const rollupInterface = new Interface(ROLLUP_ABI);
const TOPICS = [
  rollupInterface.getEvent("BatchCommitted")!.topicHash,
  rollupInterface.getEvent("SettlementCommitted")!.topicHash,
  rollupInterface.getEvent("BatchProven")!.topicHash,
];

/**
 * Reads the rollup's progress from L1: the head and finality from the contract's views,
 * which L1 transaction committed and which proved each entry from its BatchCommitted (or
 * SettlementCommitted) and BatchProven events. Events are indexed incrementally from the deployment block; the last
 * `reorgDepth` blocks are read again on each sync. Concurrent requests share one sync.
 */
export class L1Status {
  private readonly rollup: Contract;
  private readonly o: Required<Omit<L1StatusOptions, "provider">>;
  private readonly commits = new Map<number, Commit>();
  private readonly proofs = new Map<number, Proof>();
  /** Every block below this one has been indexed. */
  private indexedTo: number;
  private pending: Promise<L1Snapshot> | undefined;
  private latest: { at: number; snapshot: L1Snapshot } | undefined;
  /** Set once the address is seen to hold code: a wrong address says so instead of failing to decode. */
  private hasCode = false;

  constructor(private readonly options: L1StatusOptions) {
    // Field by field: an option given as undefined takes the default too.
    this.o = {
      rollup: options.rollup,
      fromBlock: options.fromBlock ?? 0,
      logRange: options.logRange ?? 5000,
      reorgDepth: options.reorgDepth ?? 12,
      cacheMs: options.cacheMs ?? 1000,
    };
    this.rollup = new Contract(options.rollup, ROLLUP_ABI, options.provider);
    this.indexedTo = this.o.fromBlock;
  }

  /** The L1 view at the latest block; throws L1_UNAVAILABLE when L1 does not answer. */
  snapshot(): Promise<L1Snapshot> {
    if (this.latest && Date.now() - this.latest.at < this.o.cacheMs)
      return Promise.resolve(this.latest.snapshot);
    this.pending ??= this.read()
      .then((snapshot) => {
        this.latest = { at: Date.now(), snapshot };
        return snapshot;
      })
      .catch((e: unknown) => {
        throw e instanceof ExplorerError
          ? e
          : new ExplorerError(
              ExplorerErrorCode.L1Unavailable,
              // ethers' short message only: the full one can quote the request, URL (and key) included.
              `cannot read the rollup on L1: ${(e as { shortMessage?: string }).shortMessage ?? "the L1 node did not answer"}`,
              { cause: e },
            );
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private async read(): Promise<L1Snapshot> {
    const provider = this.options.provider;
    const block = await provider.getBlockNumber();
    if (!this.hasCode) {
      if ((await provider.getCode(this.o.rollup, block)) === "0x") {
        throw new ExplorerError(
          ExplorerErrorCode.L1Unavailable,
          `no contract at the rollup address ${this.o.rollup}`,
        );
      }
      this.hasCode = true;
    }
    const [network, head, lastFinalized] = await Promise.all([
      provider.getNetwork(),
      this.rollup.getFunction("head")({ blockTag: block }),
      this.rollup.getFunction("lastFinalizedBatch")({ blockTag: block }),
      this.index(block),
    ]);
    const h: L1Head = {
      chainId: network.chainId.toString(),
      block,
      rollup: this.o.rollup,
      lastCommitted: Number(head.lastCommitted),
      lastFinalized: Number(lastFinalized),
      queueCommitted: head.queueCommitted.toString(),
      frozen: head.frozen,
    };
    const commits = new Map(this.commits);
    const proofs = new Map(this.proofs);
    return {
      head: h,
      batch(n) {
        const c = commits.get(n);
        const p = proofs.get(n);
        return {
          status: batchStatus(n, h, c !== undefined, p !== undefined),
          commitTx: c?.tx ?? null,
          commitBlock: c?.block ?? null,
          postStateRoot: c?.postStateRoot ?? null,
          proveTx: p?.tx ?? null,
          prover: p?.prover ?? null,
        };
      },
    };
  }

  /** Indexes the events of blocks up to `latest`. */
  private async index(latest: number): Promise<void> {
    const from = Math.max(this.o.fromBlock, this.indexedTo - this.o.reorgDepth);
    for (const map of [this.commits, this.proofs]) {
      for (const [n, e] of map) if (e.block >= from) map.delete(n);
    }
    for (let start = from; start <= latest; start += this.o.logRange) {
      const end = Math.min(latest, start + this.o.logRange - 1);
      const logs = await this.options.provider.getLogs({
        address: this.o.rollup,
        topics: [TOPICS],
        fromBlock: start,
        toBlock: end,
      });
      for (const log of logs) this.record(log);
    }
    this.indexedTo = latest + 1;
  }

  private record(log: Log): void {
    const e = rollupInterface.parseLog(log);
    if (!e) return;
    const n = Number(e.args.batchIndex);
    // A settlement is an entry of the same chain: its commit counts as the entry's.
    if (e.name === "BatchCommitted" || e.name === "SettlementCommitted") {
      this.commits.set(n, {
        tx: log.transactionHash,
        block: log.blockNumber,
        postStateRoot: e.args.postStateRoot,
      });
    } else {
      this.proofs.set(n, { tx: log.transactionHash, block: log.blockNumber, prover: e.args.prover });
    }
  }
}
