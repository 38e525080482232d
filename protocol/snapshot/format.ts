/**
 * The state snapshot (docs/protocol.md §8.5): the state after one entry of the chain, as a
 * stream of frames (`frames.ts`): a header, every record in canonical order, a trailer. The
 * header names the chain, the rollup, the entry and its state root; a consumer rebuilds the
 * trees from the records (`load.ts`) and checks the root against the roots L1 committed for
 * that entry, so a snapshot is trusted no more than a blob archive is.
 */
import type { Field } from "../field.ts";
import type { ProtocolParams } from "../params.ts";
import type { EpochEnd } from "../rewards/settlement.ts";
import type {
  Account,
  Contribution,
  Counters,
  Datanet,
  GovernanceParams,
  InferenceRecord,
  Model,
} from "../state/leaves.ts";
import type { QueueCursor, RollupState, TrainingSet, TreeName } from "../state/state.ts";

export const SNAPSHOT_FORMAT = "openledger.snapshot.v1";

/**
 * An epoch end the snapshot's entry may still be settled against: any later settlement of
 * that epoch is applied against it (§11.1), and nothing after the snapshot holds it. It carries
 * the entry's L1 roots (`withdrawalsRoot`, `queueEnd`) so that it can be checked on L1 too.
 */
export interface SnapshotEpochEnd extends EpochEnd {
  readonly entry: number;
  readonly withdrawalsRoot: Field;
  readonly queueEnd: bigint;
}

export interface SnapshotHeader {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly chainId: bigint;
  /** The rollup contract, 0x lower case. */
  readonly rollup: string;
  /** The state is the one after this entry (0: genesis). */
  readonly entry: number;
  readonly stateRoot: Field;
  /**
   * With `stateRoot` and `queue.next`, the roots L1 stores for the entry (its `isBatchRoots`):
   * the withdrawals root of a batch, 0 for a settlement or genesis.
   */
  readonly withdrawalsRoot: Field;
  readonly params: ProtocolParams;
  readonly governance: GovernanceParams;
  /** The registries' sizes: each registry's records are exactly ids 1..count. */
  readonly counters: Counters;
  readonly queue: QueueCursor;
  /** Every epoch end up to the entry, oldest first. */
  readonly epochEnds: readonly SnapshotEpochEnd[];
}

/** One record of a registry; a model carries its training set. */
export type SnapshotRecord =
  | { readonly tree: "accounts"; readonly id: number; readonly record: Account }
  | { readonly tree: "contributions"; readonly id: number; readonly record: Contribution }
  | {
      readonly tree: "models";
      readonly id: number;
      readonly record: Model;
      readonly training?: TrainingSet;
    }
  | { readonly tree: "inferences"; readonly id: number; readonly record: InferenceRecord }
  | { readonly tree: "datanets"; readonly id: number; readonly record: Datanet };

/** The last frame: what lets a consumer tell a complete stream from a cut one. */
export interface SnapshotTrailer {
  readonly end: typeof SNAPSHOT_FORMAT;
  readonly records: number;
}

/** The canonical order: registries in this order, each by id from 1. */
export const SNAPSHOT_TREES: readonly TreeName[] = [
  "accounts",
  "contributions",
  "models",
  "inferences",
  "datanets",
];

/** The number of records a snapshot of these counters holds. */
export function recordCount(c: Counters): number {
  return SNAPSHOT_TREES.reduce((n, tree) => n + c[tree], 0);
}

/** The header of `state`, the state after `entry` (whose withdrawals root L1 stores beside its root). */
export function snapshotHeader(
  state: RollupState,
  entry: number,
  withdrawalsRoot: Field,
  epochEnds: readonly SnapshotEpochEnd[],
): SnapshotHeader {
  return {
    format: SNAPSHOT_FORMAT,
    chainId: state.domain.chainId,
    rollup: state.domain.rollup.toLowerCase(),
    entry,
    stateRoot: state.root(),
    withdrawalsRoot,
    params: state.params,
    governance: state.governance,
    counters: state.counters,
    queue: state.queue,
    epochEnds,
  };
}

/** `state`'s records in canonical order, read one at a time (nothing is copied). */
export function* stateRecords(state: RollupState): Generator<SnapshotRecord> {
  const c = state.counters;
  for (let id = 1; id <= c.accounts; id++) yield { tree: "accounts", id, record: state.accounts.get(id)! };
  for (let id = 1; id <= c.contributions; id++)
    yield { tree: "contributions", id, record: state.contributions.get(id)! };
  for (let id = 1; id <= c.models; id++) {
    const training = state.trainingSets.get(id);
    yield { tree: "models", id, record: state.models.get(id)!, ...(training && { training }) };
  }
  for (let id = 1; id <= c.inferences; id++)
    yield { tree: "inferences", id, record: state.inferences.get(id)! };
  for (let id = 1; id <= c.datanets; id++) yield { tree: "datanets", id, record: state.datanets.get(id)! };
}
