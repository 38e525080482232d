/**
 * The state at the last finalized entry, kept beside the live state in its own LevelDB
 * (`<data dir>/finalized`, the sequencer's key layout): what `GET /snapshot` streams and what
 * exit proofs are taken from, since the live store keeps only the latest nodes. It advances
 * one entry at a time with the pure state transition, each entry's records, nodes, epoch end
 * and meta in one atomic LevelDB write, so kill -9 leaves it at one entry or the next and a
 * restart resumes from there (the same checked load as the sequencer's, `loadCheckedState`).
 */
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { type Field, fieldToHex } from "../../protocol/field.ts";
import { applySettlement, type EpochEnd } from "../../protocol/rewards/settlement.ts";
import {
  type SnapshotEpochEnd,
  type SnapshotHeader,
  snapshotHeader,
} from "../../protocol/snapshot/format.ts";
import { replayBatch } from "../../protocol/state/replay.ts";
import { type Genesis, RollupState } from "../../protocol/state/state.ts";
import type { QueueOp, SignedTx } from "../../protocol/tx/types.ts";
import { loadCheckedState } from "../core/recovery.ts";
import { changedRecordOps } from "../core/sealing.ts";
import { TreeNodes } from "../storage/node-store.ts";
import {
  type BatchRecord,
  chainFingerprint,
  KEY,
  type Meta,
  type SettlementRecord,
} from "../storage/schema.ts";
import { pad, Store } from "../storage/store.ts";

/** A finalized entry as the sequencer sealed it, with what applying it needs. */
export type FinalEntry =
  | { readonly record: BatchRecord; readonly txs: readonly (SignedTx | QueueOp)[] }
  | { readonly record: SettlementRecord; readonly epochEnd: EpochEnd };

const KEY_WITHDRAWALS_ROOT = "finalized:withdrawalsRoot";
const KEY_EPOCH_END = (entry?: number) => (entry === undefined ? "epochend:" : `epochend:${pad(entry)}`);

export class FinalizedMirror {
  private readers = 0;
  private advancing = false;
  private waiters: Array<() => void> = [];
  /** Set when an entry did not apply to its sealed root: the mirror stops rather than drift. */
  private broken?: OpenLedgerError;

  private constructor(
    private readonly store: Store,
    private readonly nodes: TreeNodes,
    /** The state after `entry`; read it only while holding the mirror (`hold`). */
    readonly state: RollupState,
    private entryNumber: number,
    private withdrawalsRoot: Field,
    private readonly chain: string,
  ) {}

  static async open(dir: string, genesis: Genesis, o: { cacheNodes: number }): Promise<FinalizedMirror> {
    const store = await Store.open(dir);
    try {
      const nodes = new TreeNodes(store, o.cacheNodes);
      const state = new RollupState(genesis, { nodes: (tree) => nodes.tree(tree) });
      const chain = chainFingerprint(genesis);
      const meta = await loadCheckedState(store, state, chain);
      const withdrawalsRoot = (await store.get<Field>(KEY_WITHDRAWALS_ROOT)) ?? 0n;
      return new FinalizedMirror(store, nodes, state, meta?.sealed ?? 0, withdrawalsRoot, chain);
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /** The last entry applied (0: genesis). */
  get entry(): number {
    return this.entryNumber;
  }

  /**
   * Applies entry `entry + 1`; its root must be the root it was sealed with (the root L1
   * finalized). Waits for the snapshots being read from the mirror to finish.
   */
  async advance(e: FinalEntry): Promise<void> {
    if (this.broken) throw this.broken;
    await this.exclusive();
    try {
      const n = e.record.number;
      if (n !== this.entryNumber + 1) {
        throw new Error(`the finalized mirror is at entry ${this.entryNumber} and was given entry ${n}`);
      }
      const withdrawalsRoot = apply(this.state, e);
      const root = this.state.root();
      if (root !== e.record.postStateRoot) {
        this.broken = new OpenLedgerError(
          ErrorCode.StateCorrupt,
          `the finalized mirror applies entry ${n} to state root ${fieldToHex(root)}, but it was sealed with ${fieldToHex(e.record.postStateRoot)}; the mirror stops (remove <data dir>/finalized to rebuild it)`,
        );
        throw this.broken;
      }
      const ops = changedRecordOps(this.state);
      const nodes = this.nodes.takeWrites();
      ops.push(...nodes.ops);
      const meta: Meta = {
        chain: this.chain,
        sealed: n,
        stateRoot: root,
        counters: this.state.counters,
        queue: this.state.queue,
        governance: this.state.governance,
      };
      ops.push({ type: "put", key: KEY.meta, value: meta });
      ops.push({ type: "put", key: KEY_WITHDRAWALS_ROOT, value: withdrawalsRoot });
      if (n % this.state.governance.epochLength === 0) {
        const end: SnapshotEpochEnd = {
          entry: n,
          roots: this.state.roots(),
          counters: this.state.counters,
          withdrawalsRoot,
          queueEnd: this.state.queue.next,
        };
        ops.push({ type: "put", key: KEY_EPOCH_END(n), value: end });
      }
      await this.store.write(ops);
      nodes.landed();
      this.entryNumber = n;
      this.withdrawalsRoot = withdrawalsRoot;
    } finally {
      this.advancing = false;
      this.wake();
    }
  }

  /**
   * Holds the mirror at its entry until `release` is called: the state and `header()` stay
   * those of one entry while a snapshot streams (the next advance waits).
   */
  async hold(): Promise<() => void> {
    while (this.advancing) await this.turn();
    this.readers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.readers--;
      this.wake();
    };
  }

  /** The snapshot header of the held state. */
  async header(): Promise<SnapshotHeader> {
    const epochEnds = (await this.store.list<SnapshotEpochEnd>(KEY_EPOCH_END())).map(([, e]) => e);
    return snapshotHeader(this.state, this.entryNumber, this.withdrawalsRoot, epochEnds);
  }

  async close(): Promise<void> {
    await this.exclusive();
    await this.store.close();
  }

  private async exclusive(): Promise<void> {
    while (this.readers > 0 || this.advancing) await this.turn();
    this.advancing = true;
  }

  private turn(): Promise<void> {
    return new Promise((r) => this.waiters.push(r));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

/** Applies `e` to `state`; returns the entry's withdrawals root (0 for a settlement). */
function apply(state: RollupState, e: FinalEntry): Field {
  if ("txs" in e) return replayBatch(state, e.txs, e.record.feeRecipient).withdrawalsRoot;
  applySettlement(state, e.record.settlement, e.epochEnd);
  return 0n;
}
