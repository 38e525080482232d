import type { Field } from "../../protocol/field.ts";
import type { MerkleProof } from "../../protocol/smt.ts";
import {
  type Account,
  type Contribution,
  type Datanet,
  type Counters,
  type GovernanceParams,
  type InferenceRecord,
  type Model,
  type StateRoots,
  stateRoot,
} from "../../protocol/state/leaves.ts";
import type { QueueCursor, RollupState, TrainingSet } from "../../protocol/state/state.ts";
import { type EntryRecord, KEY, type SettlementRecord, type TxRecord } from "../storage/schema.ts";
import { pad, type Store } from "../storage/store.ts";
import type { Mempool, PooledTx } from "./mempool.ts";

/** Accounts by the L1 address that opened them (it never changes), for `accountsOf`. */
export class AccountIndex {
  private readonly byL1Address = new Map<string, number[]>();

  add(id: number, l1Address: string): void {
    const key = l1Address.toLowerCase();
    const ids = this.byL1Address.get(key) ?? [];
    ids.push(id);
    this.byL1Address.set(key, ids);
  }

  of(l1Address: string): readonly number[] {
    return this.byL1Address.get(l1Address.toLowerCase()) ?? [];
  }
}

/** A transaction as the sequencer knows it: executed in the open batch, sealed, or waiting. */
export type TransactionStatus =
  | (TxRecord & { readonly status: "executed" | "sealed" })
  | { readonly hash: string; readonly status: "queued"; readonly raw: Uint8Array };

/** What the view reads from the sequencer core, which alone writes it. */
export interface ViewSource {
  readonly state: RollupState;
  readonly mempool: Mempool;
  readonly store: Store;
  readonly accounts: AccountIndex;
  readonly sealedBatches: () => number;
  readonly openBatch: () => { readonly number: number; readonly txs: readonly TxRecord[] };
  readonly openTx: (hash: string) => TxRecord | undefined;
  /** Resolves once no sealed batch is still being hashed, so that the trees can be read. */
  readonly treesIdle: () => Promise<void>;
}

/**
 * Read-only queries over the sequencer: what JSON-RPC, the L1 relay and the tests see. Nothing
 * here changes the state, the mempool or the store.
 */
export class SequencerView {
  constructor(private readonly src: ViewSource) {}

  get sealedBatches(): number {
    return this.src.sealedBatches();
  }

  get openBatch(): { readonly number: number; readonly size: number } {
    const open = this.src.openBatch();
    return { number: open.number, size: open.txs.length };
  }

  get counters(): Counters {
    return this.src.state.counters;
  }

  /** The L1 priority queue's cursor: the next operation to execute and the rolling hash so far. */
  get queue(): QueueCursor {
    return this.src.state.queue;
  }

  get governance(): GovernanceParams {
    return this.src.state.governance;
  }

  get mempoolSize(): number {
    return this.src.mempool.size;
  }

  /** Waiting transactions, highest fee first. */
  queued(limit: number): PooledTx[] {
    return this.src.mempool.all().slice(0, limit);
  }

  /** The live state roots (open batch included). */
  async roots(): Promise<{ roots: StateRoots; stateRoot: Field }> {
    await this.src.treesIdle();
    const roots = this.src.state.roots();
    // One set of roots: `root()` would hash the counters and parameters a second time.
    return { roots, stateRoot: stateRoot(roots) };
  }

  /** An account with its Merkle proof against the live state root (open batch included). */
  async accountWithProof(
    id: number,
  ): Promise<{ account: Account; proof: MerkleProof; roots: StateRoots; stateRoot: Field } | undefined> {
    await this.src.treesIdle();
    const account = this.src.state.accounts.get(id);
    if (!account) return undefined;
    const proof = this.src.state.proof("accounts", id);
    const roots = this.src.state.roots();
    return { account, proof, roots, stateRoot: stateRoot(roots) };
  }

  /** The nonce a new transaction of `id` should use, counting its waiting ones. */
  nonceOf(id: number): number | undefined {
    const a = this.src.state.accounts.get(id);
    return a && this.src.mempool.pendingNonce(id, a.nonce);
  }

  async transaction(hash: string): Promise<TransactionStatus | undefined> {
    const open = this.src.openTx(hash);
    if (open) return { ...open, status: "executed" };
    const pooled = this.src.mempool.get(hash);
    if (pooled) return { hash, status: "queued", raw: pooled.raw };
    const stored = await this.src.store.get<TxRecord>(KEY.tx(hash));
    return stored && { ...stored, status: "sealed" };
  }

  /** Sealed entry `n`: a batch or a reward settlement. */
  batch(n: number): Promise<EntryRecord | undefined> {
    return this.src.store.get<EntryRecord>(KEY.batch(n));
  }

  async batches(from: number, limit: number): Promise<EntryRecord[]> {
    const rows = await this.src.store.list<EntryRecord>("batch:", {
      from: KEY.batch(Math.max(1, from)),
      limit,
    });
    return rows.map(([, b]) => b);
  }

  /** Sealed entry `n` if it is a reward settlement. */
  async settlement(n: number): Promise<SettlementRecord | undefined> {
    const e = await this.batch(n);
    return e?.kind === "settlement" ? e : undefined;
  }

  /**
   * Entry numbers of settlements, ordered by the epoch they settle and then by entry; only
   * epoch `epoch`'s when given. `offset` of them skipped, at most `limit`.
   */
  async settlementEntries(filter: { epoch?: number; offset: number; limit: number }): Promise<number[]> {
    const rows = await this.src.store.list<number>(KEY.epochSettlements(filter.epoch), {
      limit: filter.offset + filter.limit,
    });
    return rows.slice(filter.offset).map(([, n]) => n);
  }

  /** The settlement entry that paid inference `id`, if one has. */
  settledIn(id: number): Promise<number | undefined> {
    return this.src.store.get<number>(KEY.inferenceSettlement(id));
  }

  /** Hashes of an account's transactions, newest first (the open batch's included). */
  async accountTransactions(id: number, limit: number): Promise<string[]> {
    const rows = await this.src.store.list<string>(`acctx:${pad(id)}:`, { limit, reverse: true });
    const open = this.src
      .openBatch()
      .txs.filter((t) => t.receipt.account === id)
      .map((t) => t.hash)
      .reverse();
    return [...open, ...rows.map(([, h]) => h)].slice(0, limit);
  }

  account(id: number): Account | undefined {
    return this.src.state.accounts.get(id);
  }

  /** Ids of the accounts opened by deposits from `l1Address` (any checksum casing). */
  accountsOf(l1Address: string): readonly number[] {
    return this.src.accounts.of(l1Address);
  }

  contribution(id: number): Contribution | undefined {
    return this.src.state.contributions.get(id);
  }

  model(id: number): (Model & { training?: TrainingSet }) | undefined {
    const m = this.src.state.models.get(id);
    return m && { ...m, training: this.src.state.trainingSets.get(id) };
  }

  inference(id: number): InferenceRecord | undefined {
    return this.src.state.inferences.get(id);
  }

  datanet(id: number): Datanet | undefined {
    return this.src.state.datanets.get(id);
  }
}
