import type { SettlementShape } from "../../protocol/rewards/commitment.ts";

/** An inference record as the epoch planner needs it. */
export interface PendingInference {
  readonly id: number;
  readonly model: number;
  /** 0 once settled. */
  readonly payment: bigint;
}

/** One settlement to attribute and submit: up to N records of one model. */
export interface SettlementJob {
  readonly epoch: number;
  readonly model: number;
  /** Strictly increasing record ids. */
  readonly inferences: readonly number[];
}

export interface EpochPlan {
  readonly jobs: readonly SettlementJob[];
  /** Models whose records the reward circuit cannot settle, and why: their fees wait. */
  readonly skipped: readonly { readonly model: number; readonly reason: string }[];
}

/**
 * The settlements that pay out epoch `epoch` (docs/protocol.md §11.1): every unsettled record
 * up to the epoch's last inference, grouped by model in id order and cut into runs of the
 * circuit's N inferences. A model trained on more contributions than the circuit has lanes
 * is skipped with its reason rather than planned into a settlement L2 would refuse, and so is a
 * model in `unfit` (other lanes the circuit lacks, with their reason).
 */
export function planEpoch(
  epoch: number,
  lastInference: number,
  records: readonly PendingInference[],
  trainingSize: ReadonlyMap<number, number>,
  shape: SettlementShape,
  unfit: ReadonlyMap<number, string> = new Map(),
): EpochPlan {
  const byModel = new Map<number, number[]>();
  for (const r of records) {
    if (r.id > lastInference || r.payment === 0n) continue;
    const ids = byModel.get(r.model) ?? [];
    ids.push(r.id);
    byModel.set(r.model, ids);
  }
  const jobs: SettlementJob[] = [];
  const skipped: { model: number; reason: string }[] = [];
  for (const model of [...byModel.keys()].sort((a, b) => a - b)) {
    const size = trainingSize.get(model);
    if (size === undefined) throw new Error(`no training set size for model ${model}`);
    if (size > shape.contributions) {
      skipped.push({
        model,
        reason: `trained on ${size} contributions; the reward circuit has ${shape.contributions} lanes`,
      });
      continue;
    }
    const reason = unfit.get(model);
    if (reason !== undefined) {
      skipped.push({ model, reason });
      continue;
    }
    const ids = byModel.get(model)!.sort((a, b) => a - b);
    for (let at = 0; at < ids.length; at += shape.inferences) {
      jobs.push({ epoch, model, inferences: ids.slice(at, at + shape.inferences) });
    }
  }
  return { jobs, skipped };
}
