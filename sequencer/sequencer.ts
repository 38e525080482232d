import type { Logger } from "pino";
import {
  encodeBatchLayout,
  type RegistryRecord,
  registryRecord,
  type SlotRecord,
  slotRecord,
} from "../protocol/batch/layout.ts";
import type { Domain } from "../protocol/domain.ts";
import { ErrorCode, OpenLedgerError } from "../protocol/errors.ts";
import { type Field, fieldToHex } from "../protocol/field.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import { applyTx, type BatchContext, queueOpHash } from "../protocol/state/apply.ts";
import { finishBatch } from "../protocol/state/batch.ts";
import type {
  Account,
  Contribution,
  GovernanceParams,
  InferenceRecord,
  Model,
} from "../protocol/state/leaves.ts";
import { type QueueCursor, RollupState, type TrainingSet } from "../protocol/state/state.ts";
import { decodeTx, encodeTx, peekSender } from "../protocol/tx/codec.ts";
import { type QueueOp, type SignedTx, TX_TYPE_NAMES, TxType } from "../protocol/tx/types.ts";
import { Mempool, type MempoolLimits, type PooledTx } from "./mempool.ts";
import {
  type BatchRecord,
  chainFingerprint,
  idOf,
  KEY,
  type Meta,
  type TxRecord,
  type WalEntry,
} from "./schema.ts";
import { pad, type Store, type StoreOp } from "./store.ts";
import type { TxVerifier } from "./verifier.ts";

/**
 * The sequencer core: executes transactions on the rollup state as they arrive, answers
 * with a soft confirmation (batch number and position), seals batches, and keeps everything
 * in LevelDB so that a confirmed transaction survives a crash. No HTTP here (`rpc/`), no
 * L1 (`batch-poster.ts`).
 *
 * Durability: a transaction is executed in memory, its bytes are appended to the open
 * batch's write-ahead entries (`wal:<batch>:<position>`), and only then is it answered.
 * Sealing writes the batch, the changed records and the receipts and deletes those entries
 * in one atomic LevelDB batch. On start the stored records are loaded, the state root is
 * recomputed and checked, and the write-ahead entries are executed again in order: the
 * state transition is deterministic, so they land at the same positions with the same effects.
 */
export interface SequencerConfig {
  readonly domain: Domain;
  readonly params: ProtocolParams;
  readonly governance: GovernanceParams;
  /** Account credited with each batch's fees. */
  readonly feeRecipient: number;
  /** Smallest fee accepted (FEE_TOO_LOW below it). */
  readonly minFee: bigint;
  /** Transactions per batch: the batch circuit's account slots. */
  readonly batchMaxTxs: number;
  /** Withdrawals per batch (a power of two, at most 2^withdrawalsDepth): the circuit's entries. */
  readonly batchWithdrawals: number;
  /** Registry transactions per batch: the circuit's registry slots (0: the circuit has none). */
  readonly batchRegistrySlots: number;
  readonly batchIntervalMs: number;
  readonly mempool: MempoolLimits;
}

export type SubmitResult =
  | {
      readonly txHash: string;
      readonly status: "executed";
      readonly batch: number;
      readonly position: number;
    }
  | { readonly txHash: string; readonly status: "queued" };

interface Executed extends TxRecord {
  /** Its account record in the fixed layout. */
  readonly record: SlotRecord;
  /** Its registry record (register contribution, register model, inference). */
  readonly registry?: RegistryRecord;
}

interface OpenBatchState {
  readonly number: number;
  readonly ctx: BatchContext & { readonly queueStart: QueueCursor };
  readonly txs: Executed[];
  /** The previous batch's post-state root, known once its trees are hashed. */
  readonly preStateRoot: Promise<Field>;
}

export interface SequencerDeps {
  readonly store: Store;
  readonly verifier: TxVerifier;
  readonly logger: Logger;
  /** Called with each batch once it is durably sealed. */
  readonly onSealed?: (batch: BatchRecord) => void;
}

export class Sequencer {
  readonly state: RollupState;
  readonly mempool: Mempool;
  private open!: OpenBatchState;
  private sealedCount = 0;
  private readonly openByHash = new Map<string, Executed>();
  /** Accounts by the L1 address that opened them (it never changes). */
  private readonly byL1Address = new Map<string, number[]>();
  private readonly pooledByHash = new Map<string, PooledTx>();
  private failure: unknown;
  /** The last sealing in progress: batches are hashed and written one after the other. */
  private sealChain: Promise<unknown> = Promise.resolve();
  /** Re-executing write-ahead entries on start: they are on disk already. */
  private replaying = false;

  private constructor(
    readonly config: SequencerConfig,
    private readonly deps: SequencerDeps,
  ) {
    this.state = new RollupState({
      domain: config.domain,
      params: config.params,
      governance: config.governance,
    });
    this.mempool = new Mempool(config.mempool);
  }

  /** Opens the sequencer on `store`: genesis on an empty store, otherwise checked recovery. */
  static async open(config: SequencerConfig, deps: SequencerDeps): Promise<Sequencer> {
    const s = new Sequencer(config, deps);
    await s.recover();
    return s;
  }

  get sealedBatches(): number {
    return this.sealedCount;
  }

  get openBatch(): { readonly number: number; readonly size: number } {
    return { number: this.open.number, size: this.open.txs.length };
  }

  /** Validates, executes (or queues, after a nonce gap) and durably records an L2 transaction. */
  async submit(raw: Uint8Array): Promise<SubmitResult> {
    this.checkHealthy();
    const from = peekSender(raw);
    const account = this.state.accounts.get(from);
    if (!account)
      throw new OpenLedgerError(ErrorCode.UnknownAccount, `sender account ${from} does not exist`);
    const checked = await this.deps.verifier.verify({ raw, sender: from, publicKey: account.publicKey });
    if (!checked.ok) throw new OpenLedgerError(checked.code, checked.message);
    const { tx, txHash, valid } = checked;
    if (!valid)
      throw new OpenLedgerError(
        ErrorCode.InvalidSignature,
        `signature does not verify under account ${tx.from}'s key`,
      );
    this.checkLayoutHolds(tx);
    if (tx.fee < this.config.minFee) {
      throw new OpenLedgerError(
        ErrorCode.FeeTooLow,
        `fee ${tx.fee} is below this sequencer's minimum ${this.config.minFee}`,
      );
    }
    const hash = fieldToHex(txHash);
    // A client retrying after a lost answer gets the first answer again.
    const known = this.known(hash);
    if (known) return known;
    // Read the nonce now: the state may have moved while the signature was checked.
    const next = this.senderOf(tx).nonce;
    this.checkNonceNotUsed(tx, this.senderOf(tx));
    if (tx.nonce > next) return this.enqueue({ hash, tx, raw }, next);
    const executed = this.execute(tx, raw, txHash);
    const promoted = this.promote(tx.from);
    this.sealIfFull();
    await Promise.all([executed.written, ...promoted]);
    return { txHash: hash, status: "executed", batch: executed.batch, position: executed.position };
  }

  /**
   * Refuses what the batch layout (the circuit's) has no room for: a batch could never be
   * sealed in it, and so never proven.
   */
  private checkLayoutHolds(tx: SignedTx | QueueOp): void {
    const { batchWithdrawals, batchRegistrySlots } = this.config;
    const withdraws = tx.type === TxType.Withdraw || tx.type === TxType.ForcedWithdrawal;
    if (withdraws && batchWithdrawals === 0) {
      throw new OpenLedgerError(
        ErrorCode.UnsupportedByLayout,
        `${TX_TYPE_NAMES[tx.type]} refused: this sequencer's batch layout has 0 withdrawal entries (batchWithdrawals)`,
        { limit: "batchWithdrawals", value: 0 },
      );
    }
    if (registryRecord(tx, this.config.params) && batchRegistrySlots === 0) {
      throw new OpenLedgerError(
        ErrorCode.UnsupportedByLayout,
        `${TX_TYPE_NAMES[tx.type]} refused: this sequencer's batch layout has 0 registry slots (batchRegistrySlots)`,
        { limit: "batchRegistrySlots", value: 0 },
      );
    }
  }

  /**
   * Executes an operation of the L1 priority queue: a deposit, a forced withdrawal or a
   * governance order (the bridge relay calls this, in queue order).
   */
  async executeQueueOp(op: QueueOp): Promise<SubmitResult> {
    this.checkHealthy();
    const raw = encodeTx(op);
    // Provers (and this sequencer's own recovery) replay the stored bytes, not `op`: execute
    // what they will decode, and refuse an operation the wire encoding does not carry exactly
    // (a deposit key off the curve, which L1 refuses too, would come back as another point).
    const decoded = decodeTx(raw) as QueueOp;
    // The relay stops on this error: the operator must run a layout with withdrawal entries.
    this.checkLayoutHolds(decoded);
    if (queueOpHash(0n, decoded) !== queueOpHash(0n, op)) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `queue operation ${op.queueIndex} does not survive its wire encoding: provers would replay another operation`,
      );
    }
    const executed = this.execute(decoded, raw);
    this.sealIfFull();
    await executed.written;
    return { txHash: executed.hash, status: "executed", batch: executed.batch, position: executed.position };
  }

  /** Seals the open batch if it holds any transaction; resolves once it is on disk. */
  async seal(): Promise<BatchRecord | undefined> {
    this.checkHealthy();
    return this.sealOpen();
  }

  /**
   * Seals in two parts. At once: the fee credit, the batch data, the changed records and the
   * leaf values the root needs are taken, and the next batch opens, so execution never waits
   * for hashing. Then, in batch order, the trees are hashed a few milliseconds at a time
   * between answers, and the batch is written in one LevelDB batch queued behind every
   * write-ahead entry of its transactions.
   */
  private sealOpen(): Promise<BatchRecord | undefined> {
    const open = this.open;
    if (open.txs.length === 0) return Promise.resolve(undefined);
    const { feeRecipient, batchMaxTxs, batchWithdrawals, batchRegistrySlots } = this.config;
    const finished = finishBatch(this.state, open.ctx, feeRecipient);
    const records = open.txs.map((t) => t.record);
    const registryRecords = open.txs.flatMap((t) => (t.registry ? [t.registry] : []));
    // Always the circuit's layout: execute() seals before a batch outgrows it, and submission
    // refuses the types it has no room for.
    const batchData = encodeBatchLayout(
      { slots: batchMaxTxs, withdrawals: batchWithdrawals, registrySlots: batchRegistrySlots },
      feeRecipient,
      records,
      finished.withdrawals.map((w) => w.recipient),
      registryRecords,
    );
    const ops = this.recordOps();
    for (const t of open.txs) {
      const { record: _r, registry: _g, ...stored } = t;
      ops.push({ type: "put", key: KEY.tx(t.hash), value: stored });
      ops.push({ type: "put", key: KEY.accountTx(t.receipt.account, t.batch, t.position), value: t.hash });
      ops.push({ type: "del", key: KEY.wal(t.batch, t.position) });
    }
    const meta = {
      counters: this.state.counters,
      queue: this.state.queue,
      governance: this.state.governance,
    };
    const snapshot = this.state.snapshotForRoot();
    const previous = this.sealChain;
    const hashed = previous.then(() => hashInSlices(this.state.hashSnapshot(snapshot)));
    this.open = {
      number: open.number + 1,
      ctx: { feeTotal: 0n, withdrawals: [], queueStart: this.state.queue },
      txs: [],
      preStateRoot: hashed,
    };
    const sealed = hashed.then(async (postStateRoot) => {
      const preStateRoot = await open.preStateRoot;
      const record: BatchRecord = {
        number: open.number,
        preStateRoot,
        postStateRoot,
        batchData,
        dataLayout: "fixed",
        feeRecipient,
        queueStart: finished.queueStart.next,
        queueEnd: finished.queueEnd.next,
        queueHashStart: finished.queueStart.hash,
        queueHashEnd: finished.queueEnd.hash,
        withdrawals: finished.withdrawals,
        withdrawalsRoot: finished.withdrawalsRoot,
        txHashes: open.txs.map((t) => t.hash),
        sealedAt: Date.now(),
        feesCredited: finished.feesCredited,
      };
      ops.push({ type: "put", key: KEY.batch(record.number), value: record });
      ops.push({ type: "put", key: KEY.meta, value: this.meta(open.number, postStateRoot, meta) });
      await this.persist(ops);
      this.sealedCount = open.number;
      for (const t of open.txs) this.openByHash.delete(t.hash);
      this.deps.logger.info(
        { batch: record.number, txs: record.txHashes.length, stateRoot: fieldToHex(postStateRoot) },
        "batch sealed",
      );
      this.deps.onSealed?.(record);
      return record;
    });
    this.sealChain = sealed.catch(() => undefined);
    return sealed;
  }

  /** Waits until no sealed batch is still being hashed, so that the trees can be read. */
  private async treesIdle(): Promise<void> {
    while (!this.state.treesIdle) await this.sealChain;
  }

  /** A batch holds at most `batchMaxTxs`: seal as soon as it is full rather than at the timer. */
  private sealIfFull(): void {
    if (this.open.txs.length >= this.config.batchMaxTxs) this.sealOpen().catch(() => undefined);
  }

  // ---- queries ----

  /** An account with its Merkle proof against the live state root (open batch included). */
  async accountWithProof(id: number) {
    await this.treesIdle();
    const account = this.state.accounts.get(id);
    if (!account) return undefined;
    const proof = this.state.proof("accounts", id);
    return { account, proof, roots: this.state.roots(), stateRoot: this.state.root() };
  }

  /** The live state roots (open batch included). */
  async roots() {
    await this.treesIdle();
    return { roots: this.state.roots(), stateRoot: this.state.root() };
  }

  nonceOf(id: number): number | undefined {
    const a = this.state.accounts.get(id);
    return a && this.mempool.pendingNonce(id, a.nonce);
  }

  async transaction(
    hash: string,
  ): Promise<
    | (TxRecord & { status: "executed" | "sealed" })
    | { hash: string; status: "queued"; raw: Uint8Array }
    | undefined
  > {
    const open = this.openByHash.get(hash);
    if (open) {
      const { record: _r, registry: _g, ...rest } = open;
      return { ...rest, status: "executed" };
    }
    const pooled = this.pooledByHash.get(hash);
    if (pooled) return { hash, status: "queued", raw: pooled.raw };
    const stored = await this.deps.store.get<TxRecord>(KEY.tx(hash));
    return stored && { ...stored, status: "sealed" };
  }

  batch(n: number): Promise<BatchRecord | undefined> {
    return this.deps.store.get<BatchRecord>(KEY.batch(n));
  }

  async batches(from: number, limit: number): Promise<BatchRecord[]> {
    const rows = await this.deps.store.list<BatchRecord>("batch:", {
      from: KEY.batch(Math.max(1, from)),
      limit,
    });
    return rows.map(([, b]) => b);
  }

  /** Hashes of an account's sealed transactions, newest first. */
  async accountTransactions(id: number, limit: number): Promise<string[]> {
    const rows = await this.deps.store.list<string>(`acctx:${pad(id)}:`, { limit, reverse: true });
    const open = this.open.txs
      .filter((t) => t.receipt.account === id)
      .map((t) => t.hash)
      .reverse();
    return [...open, ...rows.map(([, h]) => h)].slice(0, limit);
  }

  account(id: number): Account | undefined {
    return this.state.accounts.get(id);
  }

  /** Ids of the accounts opened by deposits from `l1Address` (any checksum casing). */
  accountsOf(l1Address: string): readonly number[] {
    return this.byL1Address.get(l1Address.toLowerCase()) ?? [];
  }

  contribution(id: number): Contribution | undefined {
    return this.state.contributions.get(id);
  }

  model(id: number): (Model & { training?: TrainingSet }) | undefined {
    const m = this.state.models.get(id);
    return m && { ...m, training: this.state.trainingSets.get(id) };
  }

  inference(id: number): InferenceRecord | undefined {
    return this.state.inferences.get(id);
  }

  async close(): Promise<void> {
    await this.sealChain;
    await this.deps.store.close();
    await this.deps.verifier.close();
  }

  // ---- internals ----

  /**
   * Applies `tx` at the next position and queues its write-ahead entry at once, so that the
   * entry is always queued before the write that seals its batch.
   */
  private execute(
    tx: SignedTx | QueueOp,
    raw: Uint8Array,
    txHash?: Field,
    extra: StoreOp[] = [],
  ): Executed & { written: Promise<void> } {
    this.sealIfFull();
    // Withdrawals are bounded by the circuit too; a deposit may turn into one (a refund).
    const mayWithdraw =
      tx.type === TxType.Withdraw || tx.type === TxType.Deposit || tx.type === TxType.ForcedWithdrawal;
    const { batchWithdrawals } = this.config;
    if (mayWithdraw && batchWithdrawals > 0 && this.open.ctx.withdrawals.length >= batchWithdrawals)
      this.sealOpen().catch(() => undefined);
    // A batch takes one parameter change (applied when it closes).
    if (tx.type === TxType.SetParameter && this.open.ctx.governanceAfter !== undefined)
      this.sealOpen().catch(() => undefined);
    // So are registry transactions.
    const registry = registryRecord(tx, this.config.params);
    if (registry && this.open.txs.filter((t) => t.registry).length >= this.config.batchRegistrySlots) {
      this.sealOpen().catch(() => undefined);
    }
    const { receipt } = applyTx(this.state, this.open.ctx, tx, { signatureChecked: true, txHash });
    if (receipt.created?.registry === "account") this.indexAccount(receipt.created.id);
    const hash = fieldToHex(receipt.txHash);
    const record = slotRecord(tx, receipt.account);
    const executed: Executed = {
      hash,
      raw,
      batch: this.open.number,
      position: this.open.txs.length,
      receipt,
      record,
      registry,
    };
    this.open.txs.push(executed);
    this.openByHash.set(hash, executed);
    const written = this.replaying ? Promise.resolve() : this.persist([walPut(executed), ...extra]);
    return { ...executed, written };
  }

  private indexAccount(id: number): void {
    const key = this.state.accounts.get(id)!.l1Address.toLowerCase();
    const ids = this.byL1Address.get(key) ?? [];
    ids.push(id);
    this.byL1Address.set(key, ids);
  }

  /** Executes the sender's waiting transactions that its new nonce unblocked. */
  private promote(from: number): Promise<void>[] {
    const out: Promise<void>[] = [];
    for (;;) {
      const next = this.state.accounts.get(from)!.nonce;
      const p = this.mempool.take(from, next);
      if (!p) return out;
      this.pooledByHash.delete(p.hash);
      try {
        out.push(this.execute(p.tx, p.raw, undefined, [{ type: "del", key: KEY.pooled(p.hash) }]).written);
      } catch (e) {
        // It was valid when queued; an earlier transaction spent what it needed.
        this.deps.logger.info({ tx: p.hash, err: (e as Error).message }, "waiting transaction dropped");
        void this.persist([{ type: "del", key: KEY.pooled(p.hash) }]);
      }
    }
  }

  private async enqueue(p: PooledTx, next: number): Promise<SubmitResult> {
    const { replaced, evicted } = this.mempool.add(p, next);
    this.pooledByHash.set(p.hash, p);
    const ops: StoreOp[] = [{ type: "put", key: KEY.pooled(p.hash), value: p.raw }];
    for (const gone of [replaced, evicted]) {
      if (!gone) continue;
      this.pooledByHash.delete(gone.hash);
      ops.push({ type: "del", key: KEY.pooled(gone.hash) });
    }
    await this.persist(ops);
    return { txHash: p.hash, status: "queued" };
  }

  private known(hash: string): SubmitResult | undefined {
    const e = this.openByHash.get(hash);
    if (e) return { txHash: hash, status: "executed", batch: e.batch, position: e.position };
    if (this.pooledByHash.has(hash)) return { txHash: hash, status: "queued" };
    return undefined;
  }

  private senderOf(tx: SignedTx): Account {
    const a = this.state.accounts.get(tx.from);
    if (!a) throw new OpenLedgerError(ErrorCode.UnknownAccount, `sender account ${tx.from} does not exist`);
    return a;
  }

  private checkNonceNotUsed(tx: SignedTx, account: Account): void {
    if (tx.nonce < account.nonce) {
      throw new OpenLedgerError(
        ErrorCode.BadNonce,
        `nonce ${tx.nonce} of account ${tx.from} is already used (next is ${account.nonce})`,
        {
          expected: account.nonce,
        },
      );
    }
  }

  /**
   * Writes `ops` after every earlier write. The state already holds their effects, so a
   * failed write leaves memory ahead of disk: the sequencer stops taking transactions.
   */
  private async persist(ops: StoreOp[]): Promise<void> {
    try {
      await this.deps.store.write(ops);
    } catch (e) {
      this.failure = e;
      this.deps.logger.fatal({ err: e }, "LevelDB write failed; the sequencer stops accepting transactions");
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        "the sequencer could not write to its database",
        undefined,
        { cause: e },
      );
    }
  }

  private checkHealthy(): void {
    if (this.failure)
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        "the sequencer stopped after a database write failure",
      );
  }

  private recordOps(): StoreOp[] {
    const changes = this.state.takeChanges();
    const ops: StoreOp[] = [];
    for (const id of changes.accounts)
      ops.push({ type: "put", key: KEY.account(id), value: this.state.accounts.get(id) });
    for (const id of changes.contributions) {
      ops.push({ type: "put", key: KEY.contribution(id), value: this.state.contributions.get(id) });
    }
    for (const id of changes.models) {
      ops.push({
        type: "put",
        key: KEY.model(id),
        value: { model: this.state.models.get(id), training: this.state.trainingSets.get(id) },
      });
    }
    for (const id of changes.inferences)
      ops.push({ type: "put", key: KEY.inference(id), value: this.state.inferences.get(id) });
    return ops;
  }

  private meta(
    sealed: number,
    stateRoot: Field,
    at: Pick<Meta, "counters" | "queue" | "governance"> = this.state,
  ): Meta {
    return {
      chain: chainFingerprint(this.config),
      sealed,
      stateRoot,
      counters: at.counters,
      queue: at.queue,
      governance: at.governance,
    };
  }

  private firstOpenBatch(number: number): OpenBatchState {
    const ctx = { feeTotal: 0n, withdrawals: [], queueStart: this.state.queue };
    return { number, ctx, txs: [], preStateRoot: Promise.resolve(this.state.root()) };
  }

  /** Seals and waits for every batch being sealed to be on disk (a clean stop). */
  async drain(): Promise<void> {
    await this.seal();
    await this.sealChain;
  }

  private async recover(): Promise<void> {
    const { store, logger } = this.deps;
    const meta = await store.get<Meta>(KEY.meta);
    if (!meta) {
      this.open = this.firstOpenBatch(1);
      this.state.takeChanges();
      await store.write([{ type: "put", key: KEY.meta, value: this.meta(0, this.state.root()) }]);
      logger.info({ stateRoot: fieldToHex(this.state.root()) }, "genesis state written");
      return;
    }
    if (meta.chain !== chainFingerprint(this.config)) {
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        `the database belongs to another chain configuration (${meta.chain}), not ${chainFingerprint(this.config)}`,
      );
    }
    const s = this.state;
    s.governance = meta.governance;
    s.counters = meta.counters;
    s.queue = meta.queue;
    for (const [k, a] of await store.list<Account>("acct:")) {
      s.setAccount(idOf(k), a);
      this.indexAccount(idOf(k));
    }
    for (const [k, c] of await store.list<Contribution>("contrib:")) s.setContribution(idOf(k), c);
    for (const [k, m] of await store.list<{ model: Model; training?: TrainingSet }>("model:"))
      s.setModel(idOf(k), m.model, m.training);
    for (const [k, r] of await store.list<InferenceRecord>("inf:")) s.setInference(idOf(k), r);
    s.takeChanges();
    const root = s.root();
    if (root !== meta.stateRoot) {
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        `stored state root ${fieldToHex(meta.stateRoot)} does not match the root ${fieldToHex(root)} recomputed from the stored records: the database is damaged; refusing to start`,
      );
    }
    this.sealedCount = meta.sealed;
    this.open = this.firstOpenBatch(meta.sealed + 1);
    const wal = await store.list<WalEntry>("wal:");
    this.replaying = true;
    for (const [key, entry] of wal) {
      const [, batchKey, posKey] = key.split(":");
      const batch = Number(batchKey);
      // A crash between queueing a seal and its landing leaves two batches of entries.
      if (batch > this.open.number) await this.sealOpen();
      const executed = this.execute(decodeTx(entry.raw), entry.raw);
      if (executed.batch !== batch || executed.position !== Number(posKey) || executed.hash !== entry.hash) {
        throw new OpenLedgerError(
          ErrorCode.StateCorrupt,
          `write-ahead entry ${key} replayed at a different place (${executed.hash})`,
        );
      }
    }
    this.replaying = false;
    let queued = 0;
    const stale: StoreOp[] = [];
    for (const [key, raw] of await store.list<Uint8Array>("mp:")) {
      const tx = decodeTx(raw) as SignedTx;
      const p: PooledTx = { hash: key.slice(3), tx, raw };
      const account = s.accounts.get(tx.from);
      if (!account || tx.nonce < account.nonce) {
        stale.push({ type: "del", key });
        continue;
      }
      this.mempool.add(p, account.nonce);
      this.pooledByHash.set(p.hash, p);
      queued++;
    }
    // A crash between a transaction's write and the promotion of the waiting ones it
    // unblocked leaves some of them executable: run them now.
    const senders = new Set([...this.pooledByHash.values()].map((p) => p.tx.from));
    const promoted = [...senders].flatMap((from) => this.promote(from));
    await Promise.all([...promoted, this.persist(stale)]);
    logger.info(
      {
        sealed: meta.sealed,
        replayed: wal.length,
        queued,
        promoted: promoted.length,
        stateRoot: fieldToHex(root),
      },
      "state recovered and checked",
    );
  }
}

function walPut(e: Executed): StoreOp {
  const value: WalEntry = { raw: e.raw, hash: e.hash };
  return { type: "put", key: KEY.wal(e.batch, e.position), value };
}

/** Drives a hashing generator a few milliseconds at a time, yielding to pending I/O between. */
async function hashInSlices<T>(steps: Generator<void, T>, sliceMs = 4): Promise<T> {
  let started = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - started > sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      started = performance.now();
    }
  }
}
