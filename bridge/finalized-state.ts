/**
 * The L2 state at the last finalized entry, rebuilt by replaying the chain's sealed entries
 * from genesis: the transactions the sequencer published (with their signatures, which the
 * blob leaves out) and its reward settlements. Nothing is trusted: after each entry the
 * replayed root must equal the root L1 committed for it, and the last one the root L1
 * finalized, so a lying or broken source is caught at the first entry it changes.
 * Entries come from the sequencer's JSON-RPC (`sequencerEntries`) or from L1 alone, the
 * blobs' data kept by a blob archive (`l1Entries`, l1-entries.ts).
 */
import type { Contract } from "ethers";
import type { Field } from "../protocol/field.ts";
import { type SnapshotEpochEnd, type SnapshotHeader, snapshotHeader } from "../protocol/snapshot/format.ts";
import type { LoadedSnapshot } from "../protocol/snapshot/load.ts";
import { CodedError } from "../protocol/errors.ts";
import { fieldToHex } from "../protocol/field.ts";
import { applySettlement, type Settlement } from "../protocol/rewards/settlement.ts";
import type { BatchShape } from "../protocol/batch/layout.ts";
import { replayBatchData, type TrainingSetOf } from "../protocol/batch/replay-data.ts";
import { replayBatch } from "../protocol/state/replay.ts";
import { type Genesis, RollupState } from "../protocol/state/state.ts";
import { decodeTx } from "../protocol/tx/codec.ts";
import type { QueueOp, SignedTx } from "../protocol/tx/types.ts";
import { settlementOf } from "../sdk/entries.ts";
import type { OpenLedgerProvider } from "../sdk/provider.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { entryRoots } from "./l1-reads.ts";

export type ReplayEntry =
  | { readonly kind: "batch"; readonly feeRecipient: number; readonly txs: readonly (SignedTx | QueueOp)[] }
  | { readonly kind: "settlement"; readonly settlement: Settlement }
  /** A batch as L1 has it: its posted data and the L1 queue operations it consumed. */
  | {
      readonly kind: "posted";
      readonly shape: BatchShape;
      readonly data: Uint8Array;
      readonly queueOps: readonly QueueOp[];
      readonly trainingSetOf: TrainingSetOf;
    };

/** Where sealed entries come from: the sequencer's JSON-RPC, or L1 and a blob archive. */
export interface EntrySource {
  entry(n: number): Promise<ReplayEntry | undefined>;
}

/** Entries as the sequencer's JSON-RPC serves them (ol_getBatch, ol_getTransaction). */
export function sequencerEntries(l2: OpenLedgerProvider): EntrySource {
  return {
    async entry(n) {
      const e = await l2.getBatch(n);
      if (!e) return undefined;
      if (e.kind === "settlement") return { kind: "settlement", settlement: settlementOf(e) };
      const txs = [];
      for (const hash of e.txHashes) {
        const t = await l2.getTransaction(hash);
        if (!t) return undefined;
        txs.push(decodeTx(Buffer.from(t.raw.slice(2), "hex")));
      }
      return { kind: "batch", feeRecipient: e.feeRecipient, txs };
    },
  };
}

/**
 * Where a replay stands: the state after `entry`, with what a snapshot of it needs (the
 * entry's withdrawals root, the epoch ends so far, by entry, with their L1 roots).
 */
export interface ReplayCursor {
  readonly state: RollupState;
  readonly entry: number;
  readonly withdrawalsRoot: Field;
  readonly epochEnds: ReadonlyMap<number, SnapshotEpochEnd>;
}

export function genesisCursor(genesis: Genesis): ReplayCursor {
  return { state: new RollupState(genesis), entry: 0, withdrawalsRoot: 0n, epochEnds: new Map() };
}

/** The cursor of a snapshot checked against L1 (protocol/snapshot/load.ts), to replay on from it. */
export function snapshotCursor(s: LoadedSnapshot): ReplayCursor {
  return {
    state: s.state,
    entry: s.header.entry,
    withdrawalsRoot: s.header.withdrawalsRoot,
    epochEnds: new Map(s.header.epochEnds.map((e) => [e.entry, e])),
  };
}

/** The snapshot header of where `c` stands. */
export function cursorHeader(c: ReplayCursor): SnapshotHeader {
  return snapshotHeader(c.state, c.entry, c.withdrawalsRoot, [...c.epochEnds.values()]);
}

/**
 * Replays entries 1..`upTo` onto the genesis state, checking each against L1 (`rollup`, with
 * BRIDGE_ABI; `fromBlock`, its deployment block). `progress` hears each entry replayed.
 */
export async function replayFinalized(
  source: EntrySource,
  rollup: Contract,
  genesis: Genesis,
  o: { upTo: number; fromBlock: number; progress?: (done: number, total: number) => void },
): Promise<RollupState> {
  return (await replayFrom(genesisCursor(genesis), source, rollup, o)).state;
}

/** Replays entries `from.entry + 1`..`upTo` onto `from` (its state is changed), as above. */
export async function replayFrom(
  from: ReplayCursor,
  source: EntrySource,
  rollup: Contract,
  o: { upTo: number; fromBlock: number; progress?: (done: number, total: number) => void },
): Promise<ReplayCursor> {
  const state = from.state;
  const epochEnds = new Map(from.epochEnds);
  let withdrawalsRoot = from.withdrawalsRoot;
  for (let n = from.entry + 1; n <= o.upTo; n++) {
    const e = await source.entry(n);
    if (!e) {
      throw new BridgeError(
        BridgeErrorCode.RootMismatch,
        `the source does not serve entry ${n} (of ${o.upTo} final ones): point --rpc at a node or archive that has the whole chain`,
      );
    }
    if (e.kind === "batch") {
      replayBatch(state, e.txs, e.feeRecipient);
    } else if (e.kind === "posted") {
      try {
        replayBatchData(state, e.shape, e.data, e.queueOps, e.trainingSetOf);
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        throw new BridgeError(
          BridgeErrorCode.RootMismatch,
          `entry ${n} cannot be replayed from its posted data: ${err.message}`,
        );
      }
    } else {
      const end = epochEnds.get((e.settlement.epoch + 1) * state.governance.epochLength);
      if (!end) {
        throw new BridgeError(
          BridgeErrorCode.RootMismatch,
          `entry ${n} settles epoch ${e.settlement.epoch}, whose last entry was not replayed before it`,
        );
      }
      applySettlement(state, e.settlement, end);
    }
    const committed = await entryRoots(rollup, n, o.fromBlock);
    if (state.root() !== committed.postStateRoot) {
      throw new BridgeError(
        BridgeErrorCode.RootMismatch,
        `entry ${n} replays to state root ${fieldToHex(state.root())}, but L1 committed ${fieldToHex(committed.postStateRoot)}: the source's data is not the chain's`,
      );
    }
    withdrawalsRoot = committed.withdrawalsRoot;
    if (n % state.governance.epochLength === 0) {
      epochEnds.set(n, {
        entry: n,
        roots: state.roots(),
        counters: state.counters,
        withdrawalsRoot,
        queueEnd: committed.queueEnd,
      });
    }
    o.progress?.(n, o.upTo);
  }
  return { state, entry: Math.max(from.entry, o.upTo), withdrawalsRoot, epochEnds };
}
