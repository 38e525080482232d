import type { Field } from "../../protocol/field.ts";
import { scoresCommitment, type SettlementShape } from "../../protocol/rewards/commitment.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import type { MethodName } from "../attribution/types.ts";

/**
 * The pure part of `openledger prover replay` (docs/protocol.md §11.7): what a published
 * settlement claims, set against what the replayer recomputed from the store's data.
 */

/** A settlement as L1 published it: its data (the event) and the commitment it was committed with. */
export interface PublishedSettlement {
  readonly entry: number;
  readonly data: SettlementData;
  /** `commitSettlement`'s scoresCommitment: what L1 folded into the public input the proof must meet. */
  readonly scoresCommitment: Field;
  /** What `commitSettlement` stated beside it, also folded into the public input; the data must agree. */
  readonly committed: { readonly epoch: number; readonly model: number; readonly proverAccount: number };
  readonly l1TxHash: string;
}

/** One lane where the published score is not the recomputed one; absent values are lanes one side lacks. */
export interface ScoreDifference {
  /** The model's training contribution at this lane; undefined past its training set. */
  readonly contribution: number | undefined;
  readonly expected: bigint | undefined;
  readonly published: bigint | undefined;
}

export type InferenceVerdict =
  | { readonly inference: number; readonly status: "match" }
  | {
      readonly inference: number;
      readonly status: "mismatch";
      readonly differences: readonly ScoreDifference[];
    }
  /** Not replayable here: the record, the model or the input could not be had or checked. */
  | { readonly inference: number; readonly status: "error"; readonly code: string; readonly message: string };

export interface SettlementVerdict {
  readonly entry: number;
  readonly model: number;
  readonly proverAccount: number;
  readonly l1TxHash: string;
  readonly commitment: {
    readonly published: Field;
    /** PoseidonList over the published ids and scores (§11.3); undefined if they do not fit the circuit. */
    readonly recomputed: Field | undefined;
    /** Fields of the published data that differ from what was committed, as "model: data 2, committed 1". */
    readonly differing: readonly string[];
    readonly matches: boolean;
  };
  readonly inferences: readonly InferenceVerdict[];
}

export interface ReplayReport {
  readonly epoch: number;
  readonly method: MethodName;
  /** Where the published settlements were read: L1's SettlementCommitted events and commitSettlement calldata. */
  readonly source: "l1";
  readonly settlements: readonly SettlementVerdict[];
}

/** Per lane, bit for bit: a score row matches only if every lane and the length agree. */
export function compareScores(
  inference: number,
  training: readonly number[],
  expected: readonly bigint[],
  published: readonly bigint[],
): InferenceVerdict {
  const differences: ScoreDifference[] = [];
  for (let j = 0; j < Math.max(expected.length, published.length); j++) {
    if (expected[j] !== published[j]) {
      differences.push({ contribution: training[j], expected: expected[j], published: published[j] });
    }
  }
  return differences.length === 0
    ? { inference, status: "match" }
    : { inference, status: "mismatch", differences };
}

/**
 * Whether the published ids and scores hash to the commitment the settlement was committed
 * with, and the published epoch, model and prover account are the committed ones (the scores
 * commitment does not cover them; the public input does).
 */
export function checkCommitment(
  p: PublishedSettlement,
  shape: SettlementShape,
): SettlementVerdict["commitment"] {
  const { inferences, scores } = p.data;
  const fits =
    inferences.length <= shape.inferences && scores.every((row) => row.length <= shape.contributions);
  const recomputed = fits ? scoresCommitment(p.data, shape) : undefined;
  const differing = (["epoch", "model", "proverAccount"] as const)
    .filter((k) => p.data[k] !== p.committed[k])
    .map((k) => `${k}: data ${p.data[k]}, committed ${p.committed[k]}`);
  return {
    published: p.scoresCommitment,
    recomputed,
    differing,
    matches: recomputed === p.scoresCommitment && differing.length === 0,
  };
}

/**
 * 0 when every published score and commitment was replayed and matches; 1 when any score or
 * commitment differs (a lie or a bug, named in the report); 2 when nothing differs but some
 * inference could not be replayed.
 */
export function replayExitCode(r: ReplayReport): 0 | 1 | 2 {
  const verdicts = r.settlements.flatMap((s) => s.inferences);
  if (r.settlements.some((s) => !s.commitment.matches) || verdicts.some((v) => v.status === "mismatch"))
    return 1;
  return verdicts.some((v) => v.status === "error") ? 2 : 0;
}

/** One SettlementCommitted log, or a BatchesReverted log, with its place in L1's log order. */
export interface LogPlace {
  readonly block: number;
  readonly index: number;
}

/**
 * The settlement logs still in force: a log is dropped when a later BatchesReverted covers its
 * entry (an unproven entry reverted with those after it), or a later log commits the same entry.
 */
export function liveLogs<T extends LogPlace & { readonly entry: number }>(
  logs: readonly T[],
  reverts: readonly (LogPlace & { readonly from: number; readonly to: number })[],
): T[] {
  const after = (a: LogPlace, b: LogPlace) => a.block > b.block || (a.block === b.block && a.index > b.index);
  return logs.filter(
    (l) =>
      !reverts.some((r) => after(r, l) && r.from <= l.entry && l.entry <= r.to) &&
      !logs.some((m) => m.entry === l.entry && after(m, l)),
  );
}
