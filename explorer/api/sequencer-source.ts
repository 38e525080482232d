import { OpenLedgerError } from "../../protocol/errors.ts";
import { type OpenLedgerProvider, RpcCallError } from "../../sdk/provider.ts";
import type {
  AccountInfo,
  BatchInfo,
  EntryInfo,
  EpochInfo,
  GovernanceInfo,
  HeadInfo,
  ReceiptInfo,
  SettlementInfo,
  TransactionInfo,
} from "../../sdk/wire.ts";
import { ExplorerError, ExplorerErrorCode } from "./errors.ts";

/** ol_getBatch as the explorer keeps it: without a batch's data, which no page shows. */
export type L2Batch = Omit<BatchInfo, "batchData"> | SettlementInfo;

export type Registry = "datanets" | "contributions" | "models" | "inferences" | "accounts";

const REGISTRY_METHODS: Record<Registry, { get: string; list: string }> = {
  accounts: { get: "ol_getAccount", list: "ol_listAccounts" },
  datanets: { get: "ol_getDatanet", list: "ol_listDatanets" },
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

  head(): Promise<HeadInfo> {
    return this.call("ol_getStateRoot");
  }

  /** The governance in force: the epoch length epochs are counted under, the attribution method. */
  governance(): Promise<GovernanceInfo> {
    return this.call("ol_getGovernance");
  }

  /** Reward epoch `e`, read through: it closes and takes settlements as the chain goes on. */
  epoch(e: number): Promise<EpochInfo | null> {
    return this.call("ol_getEpoch", [e]);
  }

  /** Sealed entry `n` if it is a settlement (cached with the batches: ol_getBatch serves both). */
  async settlement(n: number): Promise<SettlementInfo | null> {
    const b = await this.batch(n);
    return b?.kind === "settlement" ? b : null;
  }

  async batch(n: number): Promise<L2Batch | null> {
    const key = `b${n}`;
    const hit = this.sealed.get(key) as L2Batch | undefined;
    if (hit) return hit;
    const b = await this.call<EntryInfo | null>("ol_getBatch", [n]);
    if (!b) return null;
    // The calldata can be large and no page shows it: it is not kept.
    const entry: L2Batch = b.kind === "settlement" ? b : (({ batchData: _data, ...batch }) => batch)(b);
    this.keep(key, entry);
    return entry;
  }

  async transaction(hash: string): Promise<TransactionInfo | null> {
    const key = `t${hash}`;
    const hit = this.sealed.get(key) as TransactionInfo | undefined;
    if (hit) return hit;
    const t = await this.call<TransactionInfo | null>("ol_getTransaction", [hash]);
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

  /** A Datanet's contributions with ids above `afterId`, in id order (the sequencer scans its registry). */
  contributionsOf<T>(datanet: number, afterId: number, limit: number): Promise<T[]> {
    return this.call("ol_listContributions", [{ datanet, offset: afterId, limit }]);
  }

  /** Settlements in epoch order, then entry order. */
  settlements(offset: number, limit: number): Promise<SettlementInfo[]> {
    return this.call("ol_listSettlements", [{ offset, limit }]);
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
