import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { signedToField } from "../fixed-point.ts";
import type { RollupState } from "../state/state.ts";
import type { SettlementShape } from "./commitment.ts";
import {
  checkpointLeaf,
  checkpointRoot,
  featureCommitment,
  lanePayable,
  type RowFactors,
} from "./row-scores.ts";
import type { EpochEnd, Settlement } from "./settlement.ts";
import { buildSettlementWitness, type SettlementWitness } from "./witness.ts";

/** The lanes of `RewardSettlementTracin`: R row slots per contribution, K classes, E = embedding + 1. */
export interface TracinShape extends SettlementShape {
  readonly rows: number;
  readonly classes: number;
  readonly width: number;
}

/**
 * What the gradient method's settlement opens: the factors of each training contribution's
 * non-duplicate rows (the model's contributions in registration order) and of each settled
 * inference (the settlement's order).
 */
export interface TracinFactors {
  readonly contributions: readonly (readonly RowFactors[])[];
  readonly inferences: readonly RowFactors[];
}

/** The payable scores the factors give: scores[i][j] = Σ over contribution j's rows of max(0, a). */
export function tracinPayableScores(f: TracinFactors): bigint[][] {
  return f.inferences.map((t) => f.contributions.map((rows) => lanePayable(t, rows)));
}

/**
 * The input of `RewardSettlementTracin` for a settlement whose scores are the factors' (the
 * circuit computes them): the settlement witness without `scores`, plus the factors padded to
 * the lanes. Refuses what the circuit refuses: scores that are not the factors', rows that do
 * not open the model's checkpoint commitment, test factors that do not open a record's feature
 * commitment, a contribution with more than R rows.
 */
export function buildTracinWitness(
  state: RollupState,
  s: Settlement,
  end: EpochEnd,
  shape: TracinShape,
  f: TracinFactors,
): SettlementWitness {
  const refuse = (message: string): never => {
    throw new OpenLedgerError(ErrorCode.InvalidTransaction, message);
  };
  const model = state.models.get(s.model) ?? refuse(`model ${s.model} does not exist`);
  const training = state.trainingSets.get(s.model)?.contributions ?? [];
  if (f.contributions.length !== training.length) {
    refuse(`model ${s.model} has ${training.length} contributions, the factors ${f.contributions.length}`);
  }
  for (const row of [...f.contributions.flat(), ...f.inferences]) {
    if (row.r.length !== shape.classes || row.x.length !== shape.width) {
      refuse(
        `factors of widths ${row.r.length} + ${row.x.length}, the circuit's ${shape.classes} + ${shape.width}`,
      );
    }
  }
  f.contributions.forEach((rows, j) => {
    if (rows.length > shape.rows) {
      refuse(`contribution ${training[j]} has ${rows.length} rows, a lane ${shape.rows}`);
    }
  });
  const leaves = training.map((id, j) => checkpointLeaf(BigInt(id), f.contributions[j]!));
  if (checkpointRoot(leaves, state.params.trainingSet) !== model.checkpointCommitment) {
    refuse(`the row factors do not open model ${s.model}'s checkpoint commitment`);
  }
  if (f.inferences.length !== s.inferences.length) {
    refuse(`the settlement has ${s.inferences.length} inferences, the factors ${f.inferences.length}`);
  }
  s.inferences.forEach((id, i) => {
    if (featureCommitment(f.inferences[i]!) !== state.inferences.get(id)?.featureCommitment) {
      refuse(`the test factors do not open inference ${id}'s feature commitment`);
    }
  });
  // Named by lane, so that a prover refusing a settlement says which score is wrong.
  tracinPayableScores(f).forEach((row, i) => {
    const claimed = s.scores[i] ?? [];
    if (claimed.length !== row.length) {
      refuse(
        `inference ${s.inferences[i]} has ${claimed.length} scores, the model ${row.length} contributions`,
      );
    }
    row.forEach((score, j) => {
      if (claimed[j] !== score) {
        refuse(
          `lane (${i}, ${j}): the settlement pays inference ${s.inferences[i]} for contribution ${training[j]} the score ${claimed[j]}, its rows give ${score}`,
        );
      }
    });
  });

  const w = buildSettlementWitness(state, s, end, shape);
  const input = { ...w.input };
  delete input.scores;
  const field = (v: bigint) => signedToField(v).toString();
  const zeroRow: RowFactors = {
    r: Array<bigint>(shape.classes).fill(0n),
    x: Array<bigint>(shape.width).fill(0n),
  };
  const lanes = Array.from({ length: shape.contributions }, (_, j) =>
    Array.from({ length: shape.rows }, (_, k) => f.contributions[j]?.[k]),
  );
  const tests = Array.from({ length: shape.inferences }, (_, i) => f.inferences[i] ?? zeroRow);
  return {
    ...w,
    input: {
      ...input,
      rowActive: lanes.map((slots) => slots.map((row) => (row ? "1" : "0"))),
      rowR: lanes.map((slots) => slots.map((row) => (row ?? zeroRow).r.map(field))),
      rowX: lanes.map((slots) => slots.map((row) => (row ?? zeroRow).x.map(field))),
      testR: tests.map((t) => t.r.map(field)),
      testX: tests.map((t) => t.x.map(field)),
    },
  };
}
