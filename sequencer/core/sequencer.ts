import { BatchBuilder, type BatchTx, checkLayoutSupports } from "../../protocol/batch/builder.ts";
import type { BatchShape } from "../../protocol/batch/layout.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { type Field, fieldToHex } from "../../protocol/field.ts";
import { queueOpHash } from "../../protocol/state/apply.ts";
import { type RootSnapshot, RollupState } from "../../protocol/state/state.ts";
import { decodeTx, encodeTx } from "../../protocol/tx/codec.ts";
import type { QueueOp } from "../../protocol/tx/types.ts";
import { applySettlement, planSettlement } from "../../protocol/rewards/settlement.ts";
import type { SignedSettlement } from "../../protocol/rewards/sign.ts";
import { type StateRoots, stateRoot } from "../../protocol/state/leaves.ts";
import type { SettlementResult, SubmitResult } from "../../sdk/wire.ts";
import {
  type BatchRecord,
  chainFingerprint,
  type EntryRecord,
  KEY,
  type TxRecord,
  type WalEntry,
} from "../storage/schema.ts";
import type { StoreOp } from "../storage/store.ts";
import { TreeNodes } from "../storage/node-store.ts";
import type { SequencerConfig, SequencerDeps } from "./config.ts";
import { admit } from "./admission.ts";
import { Journal } from "./journal.ts";
import { Mempool, type PooledTx } from "./mempool.ts";
import { loadCheckedState, readWaiting, readWriteAhead } from "./recovery.ts";
import {
  hashInSlices,
  type OpenBatch,
  sealWrites,
  takeSeal,
  type TakenSeal,
  takeSettlementSeal,
} from "./sealing.ts";
import { type AcceptedSettlement, admitSettlement } from "./settlements.ts";
import { AccountIndex, SequencerView } from "./view.ts";

/**
 * The sequencer core: admits transactions, executes them on the rollup state as they arrive,
 * answers with a soft confirmation (batch number and position), and seals batches. No HTTP
 * here (`rpc/`), no L1 (`l1/`); queries go through `view`.
 *
 * Durability: a transaction is executed in memory, its bytes are appended to the open
 * batch's write-ahead entries (`wal:<batch>:<position>`), and only then is it answered.
 * Sealing writes the batch, the changed records, the changed tree nodes and the receipts and
 * deletes those entries in one atomic LevelDB batch (`sealing.ts`); a restart reads the
 * sealed state as it is on disk and replays what is left (`recovery.ts`).
 *
 * Entries: batches and reward settlements share one numbering (docs/protocol.md §11.5). An
 * accepted settlement seals the open batch first if it holds transactions, then is applied
 * and sealed at once as the next entry; it is answered once its write-ahead entry is on disk,
 * like a transaction, so the transactions executed after it never land on disk before it.
 */
export class Sequencer {
  readonly view: SequencerView;
  private readonly state: RollupState;
  /** The trees' nodes: on disk, with a bounded cache (`storage/node-store.ts`). */
  private readonly nodes: TreeNodes;
  private readonly mempool: Mempool;
  private readonly accounts = new AccountIndex();
  private readonly journal: Journal;
  private readonly shape: Required<BatchShape>;
  private open!: OpenBatch;
  private sealedCount = 0;
  private readonly openByHash = new Map<string, TxRecord>();
  /** The last sealing in progress: batches are hashed and written one after the other. */
  private sealChain: Promise<unknown> = Promise.resolve();
  /** Re-executing write-ahead entries on start: they are on disk already. */
  private replaying = false;

  private constructor(
    readonly config: SequencerConfig,
    private readonly deps: SequencerDeps,
  ) {
    this.nodes = new TreeNodes(deps.store, config.stateCacheNodes);
    this.state = new RollupState(config, { nodes: (tree) => this.nodes.tree(tree) });
    this.mempool = new Mempool(config.mempool);
    this.journal = new Journal(deps.store, deps.logger);
    this.shape = {
      slots: config.batchMaxTxs,
      withdrawals: config.batchWithdrawals,
      registrySlots: config.batchRegistrySlots,
    };
    this.view = new SequencerView({
      state: this.state,
      mempool: this.mempool,
      store: deps.store,
      accounts: this.accounts,
      sealedBatches: () => this.sealedCount,
      openBatch: () => this.open,
      openTx: (hash) => this.openByHash.get(hash),
      treesIdle: async () => {
        while (!this.state.treesIdle) await this.sealChain;
      },
    });
  }

  /** Opens the sequencer on `store`: genesis on an empty store, otherwise checked recovery. */
  static async open(config: SequencerConfig, deps: SequencerDeps): Promise<Sequencer> {
    const s = new Sequencer(config, deps);
    await s.recover();
    return s;
  }

  /** Validates, executes (or queues, after a nonce gap) and durably records an L2 transaction. */
  async submit(raw: Uint8Array): Promise<SubmitResult> {
    this.journal.checkHealthy();
    const { tx, txHash } = await admit(raw, this.state, this.deps.verifier, {
      shape: this.shape,
      minFee: this.config.minFee,
    });
    const hash = fieldToHex(txHash);
    // A client retrying after a lost answer gets the first answer again.
    const known = this.known(hash);
    if (known) return known;
    // Read the nonce now: the state may have moved while the signature was checked.
    const next = this.state.accounts.get(tx.from)!.nonce;
    if (tx.nonce < next) {
      throw new OpenLedgerError(
        ErrorCode.BadNonce,
        `nonce ${tx.nonce} of account ${tx.from} is already used (next is ${next})`,
        { expected: next },
      );
    }
    if (tx.nonce > next) return this.enqueue({ hash, tx, raw }, next);
    const executed = this.execute(tx, raw, txHash);
    const promoted = this.promote(tx.from);
    await Promise.all([executed.written, ...promoted]);
    return { txHash: hash, status: "executed", batch: executed.batch, position: executed.position };
  }

  /**
   * Executes an operation of the L1 priority queue: a deposit, a forced withdrawal or a
   * governance order (the bridge relay calls this, in queue order).
   */
  async executeQueueOp(op: QueueOp): Promise<SubmitResult> {
    this.journal.checkHealthy();
    const raw = encodeTx(op);
    // Provers (and this sequencer's own recovery) replay the stored bytes, not `op`: execute
    // what they will decode, and refuse an operation the wire encoding does not carry exactly
    // (a deposit key off the curve, which L1 refuses too, would come back as another point).
    const decoded = decodeTx(raw) as QueueOp;
    // The relay stops on this error: the operator must run a layout with withdrawal entries.
    checkLayoutSupports(this.shape, decoded.type);
    if (queueOpHash(0n, decoded) !== queueOpHash(0n, op)) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        `queue operation ${op.queueIndex} does not survive its wire encoding: provers would replay another operation`,
      );
    }
    const executed = this.execute(decoded, raw);
    await executed.written;
    return { txHash: executed.hash, status: "executed", batch: executed.batch, position: executed.position };
  }

  /**
   * Admits a signed reward settlement (`settlements.ts`) and applies it as the next entry.
   * Resolves once it is durable (its write-ahead entry), with its entry number and receipt.
   */
  async submitSettlement(signed: SignedSettlement): Promise<SettlementResult> {
    this.journal.checkHealthy();
    const accepted = await admitSettlement(signed, {
      state: this.state,
      config: this.config.settlements,
      provers: this.deps.provers,
      sealedEntries: this.sealedCount,
      entry: (n) => this.view.batch(n),
    });
    // L1 was asked meanwhile: check against the state as it is now, before sealing anything.
    planSettlement(this.state, accepted.settlement, accepted.epochEnd.state);
    const { number, receipt, written } = this.settle(accepted);
    await written;
    return {
      entry: number,
      paid: receipt.paid.toString(),
      credits: receipt.credits.map((c) => ({
        role: c.role,
        account: c.account,
        amount: c.amount.toString(),
      })),
    };
  }

  /** Seals the open batch if it holds any transaction; resolves once it is on disk. */
  async seal(): Promise<BatchRecord | undefined> {
    this.journal.checkHealthy();
    return this.sealOpen();
  }

  /** Seals and waits for every batch being sealed to be on disk (a clean stop). */
  async drain(): Promise<void> {
    await this.seal();
    await this.sealChain;
  }

  async close(): Promise<void> {
    await this.sealChain;
    await this.deps.store.close();
    await this.deps.verifier.close();
  }

  /**
   * Seals in two parts. At once: the batch closes (fee credit, data, changed records, the leaf
   * values the root needs) and the next opens, so execution never waits for hashing. Then, in
   * batch order, the trees are hashed a few milliseconds at a time between answers, and the
   * batch is written in one LevelDB batch queued behind every write-ahead entry of its
   * transactions.
   */
  private sealOpen(): Promise<BatchRecord | undefined> {
    const open = this.open;
    if (open.txs.length === 0) return Promise.resolve(undefined);
    const taken = takeSeal(this.state, open, chainFingerprint(this.config));
    return this.land(taken, open.preStateRoot, () => {
      for (const t of open.txs) this.openByHash.delete(t.hash);
    });
  }

  /**
   * Applies an accepted settlement as the next entry: the open batch is sealed first if it
   * holds transactions (never interleaved with them), then the settlement is applied, its
   * write-ahead entry queued and its entry taken at once, and the next batch opens after it.
   */
  private settle(accepted: AcceptedSettlement) {
    if (this.open.txs.length > 0) this.sealOpen().catch(() => undefined);
    const { number, preStateRoot } = this.open;
    const receipt = applySettlement(this.state, accepted.settlement, accepted.epochEnd.state);
    const walPut: StoreOp = { type: "put", key: KEY.wal(number, 0), value: { settlement: accepted } };
    const written = this.replaying ? Promise.resolve() : this.journal.write([walPut]);
    const taken = takeSettlementSeal(this.state, number, accepted, receipt, chainFingerprint(this.config));
    this.land(taken, preStateRoot).catch(() => undefined);
    return { number, receipt, written };
  }

  /**
   * Hashes a taken entry's trees after every earlier entry's, opens the next batch on its root
   * at once, and writes the entry in one LevelDB batch.
   */
  private land<R extends EntryRecord>(
    taken: TakenSeal<R>,
    preStateRoot: Promise<Field>,
    onLanded?: () => void,
  ): Promise<R> {
    const number = taken.entry.number;
    const hashed = this.sealChain.then(() => hashInSlices(this.hashEntry(taken.snapshot)));
    this.open = this.openBatch(
      number + 1,
      hashed.then(({ roots }) => stateRoot(roots)),
    );
    const sealed = hashed.then(async ({ roots, nodes }) => {
      const { record, ops } = sealWrites(taken, await preStateRoot, roots);
      await this.journal.write([...nodes.ops, ...ops]);
      nodes.landed();
      this.sealedCount = number;
      onLanded?.();
      this.deps.logger.info(
        {
          entry: number,
          kind: record.kind,
          txs: record.kind === "batch" ? record.txHashes.length : undefined,
          stateRoot: fieldToHex(record.postStateRoot),
        },
        `${record.kind} sealed`,
      );
      this.deps.onSealed?.(record);
      return record;
    });
    this.sealChain = sealed.catch(() => undefined);
    return sealed;
  }

  /**
   * Hashes an entry's snapshot and takes the tree nodes it changed in the same step as the
   * last hash, so that nothing (a proof query flushing the open batch) can slip in between.
   */
  private *hashEntry(
    snapshot: RootSnapshot,
  ): Generator<void, { roots: StateRoots; nodes: ReturnType<TreeNodes["takeWrites"]> }> {
    const roots = yield* this.state.hashSnapshot(snapshot);
    return { roots, nodes: this.nodes.takeWrites() };
  }

  private openBatch(number: number, preStateRoot: Promise<Field>): OpenBatch {
    const builder = new BatchBuilder(this.state, this.shape, this.config.feeRecipient);
    return { number, builder, txs: [], preStateRoot };
  }

  /**
   * Applies `tx` at the next position (sealing first if the open batch has no room for it) and
   * queues its write-ahead entry at once, so that the entry is always queued before the write
   * that seals its batch. A full batch is sealed at once rather than at the timer.
   */
  private execute(
    tx: BatchTx,
    raw: Uint8Array,
    txHash?: Field,
    extra: StoreOp[] = [],
  ): TxRecord & { written: Promise<void> } {
    if (!this.open.builder.fits(tx)) this.sealOpen().catch(() => undefined);
    const { receipt } = this.open.builder.add(tx, { signatureChecked: true, txHash });
    if (receipt.created?.registry === "account") {
      this.accounts.add(receipt.created.id, this.state.accounts.get(receipt.created.id)!.l1Address);
    }
    const hash = fieldToHex(receipt.txHash);
    const executed: TxRecord = {
      hash,
      raw,
      batch: this.open.number,
      position: this.open.txs.length,
      receipt,
    };
    this.open.txs.push(executed);
    this.openByHash.set(hash, executed);
    const entry: WalEntry = { raw, hash };
    const walPut: StoreOp = { type: "put", key: KEY.wal(executed.batch, executed.position), value: entry };
    const written = this.replaying ? Promise.resolve() : this.journal.write([walPut, ...extra]);
    if (this.open.builder.full) this.sealOpen().catch(() => undefined);
    return { ...executed, written };
  }

  /** Executes the sender's waiting transactions that its new nonce unblocked. */
  private promote(from: number): Promise<void>[] {
    const out: Promise<void>[] = [];
    for (;;) {
      const p = this.mempool.take(from, this.state.accounts.get(from)!.nonce);
      if (!p) return out;
      const unpool: StoreOp = { type: "del", key: KEY.pooled(p.hash) };
      try {
        out.push(this.execute(p.tx, p.raw, undefined, [unpool]).written);
      } catch (e) {
        // It was valid when queued; an earlier transaction spent what it needed.
        this.deps.logger.info({ tx: p.hash, err: (e as Error).message }, "waiting transaction dropped");
        void this.journal.write([unpool]);
      }
    }
  }

  private async enqueue(p: PooledTx, next: number): Promise<SubmitResult> {
    const { replaced, evicted } = this.mempool.add(p, next);
    const ops: StoreOp[] = [{ type: "put", key: KEY.pooled(p.hash), value: p.raw }];
    for (const gone of [replaced, evicted]) if (gone) ops.push({ type: "del", key: KEY.pooled(gone.hash) });
    await this.journal.write(ops);
    return { txHash: p.hash, status: "queued" };
  }

  private known(hash: string): SubmitResult | undefined {
    const e = this.openByHash.get(hash);
    if (e) return { txHash: hash, status: "executed", batch: e.batch, position: e.position };
    if (this.mempool.get(hash)) return { txHash: hash, status: "queued" };
    return undefined;
  }

  private async recover(): Promise<void> {
    const { store, logger } = this.deps;
    const chain = chainFingerprint(this.config);
    const meta = await loadCheckedState(store, this.state, chain);
    const root = this.state.root();
    if (!meta) {
      this.open = this.openBatch(1, Promise.resolve(root));
      this.state.takeChanges();
      const { counters, queue, governance } = this.state;
      const genesis = { chain, sealed: 0, stateRoot: root, counters, queue, governance };
      await store.write([{ type: "put", key: KEY.meta, value: genesis }]);
      logger.info({ stateRoot: fieldToHex(root) }, "genesis state written");
      return;
    }
    for (const [id, a] of this.state.accounts) this.accounts.add(id, a.l1Address);
    this.sealedCount = meta.sealed;
    this.open = this.openBatch(meta.sealed + 1, Promise.resolve(root));
    const wal = await readWriteAhead(store);
    this.replaying = true;
    for (const entry of wal) {
      // A crash between queueing a seal and its landing leaves two batches of entries.
      if (entry.batch > this.open.number) await this.sealOpen();
      if ("settlement" in entry) {
        // Accepted and answered before the crash: applied again, against the epoch end it was checked with.
        const { number } = this.settle(entry.settlement);
        if (number !== entry.batch) {
          throw new OpenLedgerError(
            ErrorCode.StateCorrupt,
            `write-ahead entry ${entry.key} (a settlement) replayed as entry ${number}`,
          );
        }
        continue;
      }
      const executed = this.execute(decodeTx(entry.raw), entry.raw);
      if (
        executed.batch !== entry.batch ||
        executed.position !== entry.position ||
        executed.hash !== entry.hash
      ) {
        throw new OpenLedgerError(
          ErrorCode.StateCorrupt,
          `write-ahead entry ${entry.key} replayed at a different place (${executed.hash})`,
        );
      }
    }
    this.replaying = false;
    const { waiting, stale } = await readWaiting(store, this.state);
    for (const p of waiting) this.mempool.add(p, this.state.accounts.get(p.tx.from)!.nonce);
    // A crash between a transaction's write and the promotion of the waiting ones it
    // unblocked leaves some of them executable: run them now.
    const promoted = [...new Set(waiting.map((p) => p.tx.from))].flatMap((from) => this.promote(from));
    await Promise.all([...promoted, this.journal.write(stale)]);
    logger.info(
      {
        sealed: meta.sealed,
        replayed: wal.length,
        queued: waiting.length,
        promoted: promoted.length,
        stateRoot: fieldToHex(root),
      },
      "state recovered and checked",
    );
  }
}

export type { SequencerConfig, SequencerDeps } from "./config.ts";
