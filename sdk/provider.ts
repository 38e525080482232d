import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import type { SignedTx } from "../protocol/tx/types.ts";
import { encodeSignature, encodeTx } from "../protocol/tx/codec.ts";
import { encodeSettlementData } from "../protocol/rewards/encoding.ts";
import type { SignedSettlement } from "../protocol/rewards/sign.ts";
import type { Genesis } from "../protocol/state/state.ts";
import type {
  AccountInfo,
  FinalizedAccountInfo,
  ChainParamsInfo,
  ContributionInfo,
  DatanetInfo,
  EpochInfo,
  EntryInfo,
  GovernanceInfo,
  InferenceInfo,
  ModelInfo,
  ReceiptInfo,
  SettlementInfo,
  SettlementResult,
  SubmitResult,
  TransactionInfo,
} from "./wire.ts";

export type * from "./wire.ts";

/**
 * Typed client of the sequencer's JSON-RPC (ethers-style provider). A refused call throws
 * an OpenLedgerError with the protocol code the sequencer reported (error.data.code), so
 * callers handle the same codes as the state transition; transport failures and other
 * JSON-RPC errors throw RpcCallError.
 */
type RpcReply<T> = { result?: T; error?: { code: number; message: string; data?: { code?: string } } };

export class RpcCallError extends Error {
  override readonly name = "RpcCallError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface Page {
  readonly offset?: number;
  readonly limit?: number;
}

export class OpenLedgerProvider {
  private nextId = 1;

  constructor(readonly url: string) {}

  /** One JSON-RPC call; `params` is the positional array. */
  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const { status, body } = await this.post({ jsonrpc: "2.0", id: this.nextId++, method, params });
    return this.result<T>(status, body as RpcReply<T> | undefined);
  }

  /**
   * Several calls in one JSON-RPC batch request (at most the sequencer's batch size, 100 by
   * default): each call's result, or the error it would have thrown on its own.
   */
  async callMany<T>(calls: readonly { method: string; params: unknown[] }[]): Promise<Array<T | Error>> {
    const first = this.nextId;
    this.nextId += calls.length;
    const { status, body } = await this.post(
      calls.map((c, i) => ({ jsonrpc: "2.0", id: first + i, method: c.method, params: c.params })),
    );
    // A refusal of the whole batch (rate limit, too many calls) is one reply without a list.
    if (!Array.isArray(body)) {
      this.result(status, body as RpcReply<T> | undefined);
      throw new RpcCallError(-32603, `${this.url} answered a batch with one reply`);
    }
    const replies = new Map((body as (RpcReply<T> & { id: number })[]).map((r) => [r.id, r]));
    return calls.map((_, i) => {
      try {
        return this.result<T>(status, replies.get(first + i));
      } catch (e) {
        return e as Error;
      }
    });
  }

  private async post(payload: unknown): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
    } catch (e) {
      throw new RpcCallError(
        -32603,
        `cannot reach the sequencer at ${this.url}: ${(e as Error).message}`,
        undefined,
        { cause: e },
      );
    }
    return { status: res.status, body: await res.json().catch(() => undefined) };
  }

  private result<T>(status: number, body: RpcReply<T> | undefined): T {
    if (!body) throw new RpcCallError(-32603, `the sequencer answered HTTP ${status} without a JSON body`);
    // A JSON body that is not a JSON-RPC response: most often a URL without the /rpc path.
    if (!("result" in body) && typeof body.error?.code !== "number") {
      throw new RpcCallError(
        -32603,
        `${this.url} answered HTTP ${status} with no JSON-RPC response (the sequencer's endpoint is POST /rpc)`,
      );
    }
    if (body.error) {
      const code = body.error.data?.code;
      if (code && (Object.values(ErrorCode) as string[]).includes(code)) {
        throw new OpenLedgerError(
          code as ErrorCode,
          body.error.message,
          body.error.data as Record<string, unknown>,
        );
      }
      throw new RpcCallError(body.error.code, body.error.message, body.error.data);
    }
    return body.result as T;
  }

  async chainId(): Promise<bigint> {
    return BigInt(await this.call<string>("ol_chainId"));
  }

  /**
   * The node's chain: deployment (chain id, rollup) and tree sizes, what a wallet signs and
   * proves with, and the genesis governance a replay of the chain starts from.
   */
  async getParams(): Promise<Genesis> {
    const info = await this.call<ChainParamsInfo>("ol_getParams");
    const g = info.genesisGovernance;
    return {
      domain: { chainId: BigInt(info.chainId), rollup: info.rollup },
      params: info.params,
      governance: {
        ...g,
        minContributionStake: BigInt(g.minContributionStake),
        minModelStake: BigInt(g.minModelStake),
      },
    };
  }

  sendRawTransaction(raw: Uint8Array): Promise<SubmitResult> {
    return this.call("ol_sendTransaction", [`0x${Buffer.from(raw).toString("hex")}`]);
  }

  /** Several signed transactions in one request, submitted in order: each one's result or refusal. */
  sendRawTransactions(raws: readonly Uint8Array[]): Promise<Array<SubmitResult | Error>> {
    return this.callMany(
      raws.map((raw) => ({
        method: "ol_sendTransaction",
        params: [`0x${Buffer.from(raw).toString("hex")}`],
      })),
    );
  }

  sendTransaction(tx: SignedTx): Promise<SubmitResult> {
    return this.sendRawTransaction(encodeTx(tx));
  }

  /** A reward settlement signed by its prover account (protocol/rewards/sign.ts). */
  submitSettlement(s: SignedSettlement): Promise<SettlementResult> {
    const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
    return this.call("ol_submitSettlement", [
      hex(encodeSettlementData(s.data)),
      hex(encodeSignature(s.signature)),
    ]);
  }

  getTransaction(hash: string): Promise<TransactionInfo | null> {
    return this.call("ol_getTransaction", [hash]);
  }

  getTransactionReceipt(hash: string): Promise<ReceiptInfo | null> {
    return this.call("ol_getTransactionReceipt", [hash]);
  }

  getAccount(id: number): Promise<AccountInfo | null> {
    return this.call("ol_getAccount", [id]);
  }

  /**
   * An account with its proof at the last finalized root the node holds (a node with an L1
   * keeps one; docs/sequencer.md), null for an account that finalized state does not hold.
   */
  getFinalizedAccount(id: number): Promise<FinalizedAccountInfo | null> {
    return this.call("ol_getFinalizedAccount", [id]);
  }

  /** Ids of the accounts opened by deposits from an L1 address. */
  getAccountsByL1Address(address: string): Promise<number[]> {
    return this.call("ol_getAccountsByL1Address", [address]);
  }

  /** The nonce the account's next transaction should carry (waiting ones counted). */
  getNonce(id: number): Promise<number | null> {
    return this.call("ol_getNonce", [id]);
  }

  /** The L2 governance parameters in force: epoch length, attribution method, shares. */
  getGovernance(): Promise<GovernanceInfo> {
    return this.call("ol_getGovernance");
  }

  getBatchNumber(): Promise<number> {
    return this.call("ol_getBatchNumber");
  }

  /** Sealed entry `n`: a batch or a reward settlement (`kind`). */
  getBatch(n: number): Promise<EntryInfo | null> {
    return this.call("ol_getBatch", [n]);
  }

  getContribution(id: number): Promise<ContributionInfo | null> {
    return this.call("ol_getContribution", [id]);
  }

  getModel(id: number): Promise<ModelInfo | null> {
    return this.call("ol_getModel", [id]);
  }

  getDatanet(id: number): Promise<DatanetInfo | null> {
    return this.call("ol_getDatanet", [id]);
  }

  /** Datanets by id from `offset + 1`, at most `limit` (≤ 100) of them. */
  listDatanets(page: Page = {}): Promise<DatanetInfo[]> {
    return this.call("ol_listDatanets", [page]);
  }

  getInference(id: number): Promise<InferenceInfo | null> {
    return this.call("ol_getInference", [id]);
  }

  /** Inference records by id from `offset + 1`, at most `limit` (≤ 100) of them. */
  listInferences(page: Page = {}): Promise<InferenceInfo[]> {
    return this.call("ol_listInferences", [page]);
  }

  /** Sealed entry `n` if it is a reward settlement: its split per inference, credits and public input. */
  getSettlement(n: number): Promise<SettlementInfo | null> {
    return this.call("ol_getSettlement", [n]);
  }

  /** Settlements ordered by the epoch they settle, then by entry; only `epoch`'s when given. */
  listSettlements(
    filter: { offset?: number; limit?: number; epoch?: number } = {},
  ): Promise<SettlementInfo[]> {
    return this.call("ol_listSettlements", [filter]);
  }

  /** Reward epoch `e`: its entries, whether it is closed, its settlements; null before it begins. */
  getEpoch(e: number): Promise<EpochInfo | null> {
    return this.call("ol_getEpoch", [e]);
  }

  listBatches(page: Page = {}): Promise<EntryInfo[]> {
    return this.call("ol_listBatches", [page]);
  }

  /**
   * Contributions with ids above `offset`, at most `limit` (20 by default, 100 at most), in id
   * order; with `datanet`, only that Datanet's. The last id returned is the next page's offset.
   */
  listContributions(
    filter: { offset?: number; limit?: number; datanet?: number } = {},
  ): Promise<ContributionInfo[]> {
    return this.call("ol_listContributions", [filter]);
  }

  listTransactions(filter: { account?: number; batch?: number; limit?: number } = {}): Promise<string[]> {
    return this.call("ol_listTransactions", [filter]);
  }
}
