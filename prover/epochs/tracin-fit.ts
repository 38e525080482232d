import type { TracinShape } from "../../protocol/rewards/tracin-witness.ts";
import { modelContext } from "../attribution/context.ts";
import { contributionFactors } from "../attribution/tracin.ts";
import type { TrainingRows } from "../attribution/types.ts";

/**
 * Why `RewardSettlementTracin` of `shape` cannot prove a settlement of `model`, or undefined if
 * it can: the circuit opens every non-duplicate training row of every contribution, so a
 * contribution with more rows than a lane, or factors of other widths than the circuit's,
 * would give a settlement the node can never prove (its entry would stall the proven chain).
 */
export function tracinMisfit(
  model: { readonly bytes: Uint8Array; readonly rows: TrainingRows; readonly training: readonly number[] },
  shape: TracinShape,
): string | undefined {
  const factors = contributionFactors(modelContext(model.bytes, model.rows));
  const sample = factors.flat()[0];
  if (sample && (sample.r.length !== shape.classes || sample.x.length !== shape.width)) {
    return `its row factors are ${sample.r.length} + ${sample.x.length} wide; the reward circuit's ${shape.classes} + ${shape.width}`;
  }
  const widest = factors.reduce((at, rows, j) => (rows.length > factors[at]!.length ? j : at), 0);
  const rows = factors[widest]?.length ?? 0;
  if (rows > shape.rows) {
    return `contribution ${model.training[widest]} has ${rows} distinct rows; a reward circuit lane holds ${shape.rows}`;
  }
  return undefined;
}

export function isTracinShape(shape: object): shape is TracinShape {
  return "rows" in shape;
}
