import { OpenLedgerError } from "../../protocol/errors.ts";
import {
  type AccountInfo,
  type OpenLedgerProvider,
  type ReceiptInfo,
  RpcCallError,
} from "../../sdk/provider.ts";
import { ExplorerError, ExplorerErrorCode } from "./errors.ts";

/** ol_getBatch as the sequencer serves it (sequencer/rpc/views.ts batchView). */
export interface L2Batch {
  readonly number: number;
  readonly preStateRoot: string;
  readonly postStateRoot: string;
  readonly dataLayout: "fixed" | "compact";
  readonly feeRecipient: number;
  /** Both null until the batch is committed on L1 (the blob is computed for the commit). */
  readonly blobVersionedHash: string | null;
  readonly commitment: string | null;
  readonly queueStart: string;
  readonly queueEnd: string;
  readonly withdrawals: { recipient: string; amount: string }[];
  readonly withdrawalsRoot: string;
  readonly feesCredited: string;
  readonly txHashes: string[];
  readonly sealedAt: string;
}

/** ol_getTransaction: status, position and the decoded fields (amounts as decimal strings). */
export interface L2Transaction {
  readonly hash: string;
  readonly status: "queued" | "executed" | "sealed";
  readonly batch: number | null;
  readonly position: number | null;
  readonly type: string;
  readonly raw: string;
  readonly tx: Record<string, unknown>;
}

export interface L2Head {
  readonly stateRoot: string;
  readonly accountsRoot: string;
  readonly registriesHash: string;
  readonly counters: { accounts: number; contributions: number; models: number; inferences: number };
  readonly sealedBatches: number;
  readonly openBatch: { number: number; size: number };
}

export type Registry = "contributions" | "models" | "inferences" | "accounts";

const REGISTRY_METHODS: Record<Registry, { get: string; list: string }> = {
  accounts: { get: "ol_getAccount", list: "ol_listAccounts" },
  contributions: { get: "ol_getContribution", list: "ol_listContributions" },
  models: { get: "ol_getModel", list: "ol_listModels" },
  inferences: { get: "ol_getInference", list: "ol_listInferences" },
};

/**
 * The explorer's view of the sequencer, through its JSON-RPC. Sealed batches and sealed
 * transactions never change, so they are kept (a bounded map, oldest out first): a page of
 * a popular batch costs the sequencer nothing after the first visit. Everything else is
 * read through on each request.
 */
export class SequencerSource {
  private readonly sealed = new Map<string, unknown>();

  constructor(
    private readonly provider: OpenLedgerProvider,
    private readonly cacheEntries = 5000,
  ) {}

  head(): Promise<L2Head> {
    return this.call("ol_getStateRoot");
  }

  async batch(n: number): Promise<L2Batch | null> {
    const key = `b${n}`;
    const hit = this.sealed.get(key) as L2Batch | undefined;
    if (hit) return hit;
    const b = await this.call<(L2Batch & { batchData?: string }) | null>("ol_getBatch", [n]);
    if (!b) return null;
    // The calldata can be large and no page shows it: it is not kept.
    const { batchData: _data, ...batch } = b;
    this.keep(key, batch);
    return batch;
  }

  async transaction(hash: string): Promise<L2Transaction | null> {
    const key = `t${hash}`;
    const hit = this.sealed.get(key) as L2Transaction | undefined;
    if (hit) return hit;
    const t = await this.call<L2Transaction | null>("ol_getTransaction", [hash]);
    if (t?.status === "sealed") this.keep(key, t);
    return t;
  }

  async receipt(hash: string): Promise<ReceiptInfo | null> {
    const key = `r${hash}`;
    const hit = this.sealed.get(key) as ReceiptInfo | undefined;
    if (hit) return hit;
    const r = await this.call<ReceiptInfo | null>("ol_getTransactionReceipt", [hash]);
    if (r?.status === "sealed") this.keep(key, r);
    return r;
  }

  account(id: number): Promise<AccountInfo | null> {
    return this.call("ol_getAccount", [id]);
  }

  /** Hashes of the account's transactions, newest first. */
  accountTransactions(id: number, limit: number): Promise<string[]> {
    return this.call("ol_listTransactions", [{ account: id, limit }]);
  }

  entry<T>(registry: Exclude<Registry, "accounts">, id: number): Promise<T | null> {
    return this.call(REGISTRY_METHODS[registry].get, [id]);
  }

  list<T>(registry: Registry, offset: number, limit: number): Promise<T[]> {
    return this.call(REGISTRY_METHODS[registry].list, [{ offset, limit }]);
  }

  private keep(key: string, value: unknown): void {
    if (this.sealed.size >= this.cacheEntries) this.sealed.delete(this.sealed.keys().next().value!);
    this.sealed.set(key, value);
  }

  private async call<T>(method: string, params: unknown[] = []): Promise<T> {
    try {
      return await this.provider.call<T>(method, params);
    } catch (e) {
      // A transport failure's message names the sequencer URL, which may carry an API key.
      if (e instanceof RpcCallError && e.code === -32603) {
        throw new ExplorerError(
          ExplorerErrorCode.SequencerUnavailable,
          `the sequencer did not answer ${method}`,
          {
            cause: e,
          },
        );
      }
      if (e instanceof RpcCallError || e instanceof OpenLedgerError) {
        throw new ExplorerError(
          ExplorerErrorCode.SequencerUnavailable,
          `the sequencer refused ${method}: ${e.message}`,
          { cause: e },
        );
      }
      throw e;
    }
  }
}
