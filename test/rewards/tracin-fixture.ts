import { checkpointCommitment, featureCommitment } from "../../prover/attribution/commitment.ts";
import { type ModelContext, modelContext } from "../../prover/attribution/context.ts";
import { settlementFactors } from "../../prover/attribution/tracin.ts";
import type { TrainingRows } from "../../prover/attribution/types.ts";
import { splitBySizes } from "../../prover/datasets/dataset.ts";
import { loadIris } from "../../prover/datasets/iris.ts";
import { trainModel } from "../../prover/models/pipeline.ts";
import { DEFAULT_TRAIN } from "../../prover/models/train.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import type { EpochEnd, Settlement } from "../../protocol/rewards/settlement.ts";
import { RewardLedger } from "../../protocol/rewards/testing.ts";
import {
  type TracinFactors,
  type TracinShape,
  tracinPayableScores,
} from "../../protocol/rewards/tracin-witness.ts";
import type { RollupState } from "../../protocol/state/state.ts";
import { TEST_L1_ADDRESS, TEST_PROVER } from "../../protocol/testing.ts";

/** `reward_tracin_2x4x4_3x5`: 2 inferences, 4 contribution lanes of 4 rows, 3 classes, embedding 4 + 1. */
export const TRACIN_SHAPE: TracinShape = { inferences: 2, contributions: 4, rows: 4, classes: 3, width: 5 };

/**
 * A closed epoch valued by the gradient method on real iris rows: a 4-8-4-3 MLP trained on 10
 * rows registered as contributions 1 (4 rows, account 1), 2 (3 rows and a copy of
 * contribution 1's first row, a duplicate, account 2) and 3 (2 rows, account 1); model 1 of
 * account 4 on [1, 2, 3] registers their checkpoint commitment; inferences 1 and 2 (payments
 * 1000 and 777, account 3) carry the feature commitments of two held-out iris flowers. The
 * settlement (prover 5, treasury 6) carries the scores the factors give.
 */
export function tracinFixture(): {
  ctx: ModelContext;
  modelBytes: Uint8Array;
  rows: TrainingRows;
  inputs: Float64Array[];
  state: RollupState;
  end: EpochEnd;
  settlement: Settlement;
  factors: TracinFactors;
} {
  const [pool, held] = splitBySizes(loadIris(), [9, 2], "test/tracin-circuit");
  const dim = pool!.dim;
  const order = [0, 1, 2, 3, 4, 5, 6, 0, 7, 8];
  const x = new Float64Array(order.length * dim);
  order.forEach((r, k) => x.set(pool!.x.subarray(r * dim, (r + 1) * dim), k * dim));
  const rows: TrainingRows = {
    dim,
    classes: pool!.classes,
    x,
    y: Int32Array.from(order, (r) => pool!.y[r]!),
    contribution: Uint32Array.of(0, 0, 0, 0, 1, 1, 1, 1, 2, 2),
    contributions: [1n, 2n, 3n],
  };
  const model = trainModel(
    { ...pool!, x, y: rows.y },
    { ...DEFAULT_TRAIN, hidden: [8, 4], epochs: 200, batchSize: 2, seed: "test/tracin-circuit" },
    1e-2,
  );
  const ctx = modelContext(model.bytes, rows);
  const inputs = [0, 1].map((i) => held!.x.slice(i * dim, (i + 1) * dim));

  const l = new RewardLedger({ witness: true });
  for (let i = 0; i < 6; i++) l.account(i === 4 ? TEST_PROVER : TEST_L1_ADDRESS, 100_000n);
  l.contribute(1, 11n);
  l.contribute(2, 22n);
  l.contribute(1, 33n);
  const id = l.model(4, [1, 2, 3], 0, checkpointCommitment(ctx, TEST_PARAMS.trainingSet).root);
  const payments = [1000n, 777n];
  const ids = inputs.map((input, i) => l.infer(3, id, payments[i]!, featureCommitment(ctx, { x: input })));
  const end = l.closeEpoch(6);

  const factors = settlementFactors(ctx, inputs);
  const settlement: Settlement = {
    epoch: 0,
    model: id,
    inferences: ids,
    scores: tracinPayableScores(factors),
    proverAccount: 5,
    treasuryAccount: 6,
  };
  return { ctx, modelBytes: model.bytes, rows, inputs, state: l.state, end, settlement, factors };
}
