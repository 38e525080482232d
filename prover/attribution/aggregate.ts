import type { ModelContext } from "./context.ts";
import { quantizeScores } from "./fixed-point.ts";
import type { AttributionResult, ContributionScore, MethodName } from "./types.ts";

/**
 * Row scores (one per non-duplicate row) to the result: quantize each row, put 0 at
 * duplicates, then per contribution sum the positive rows (payable) and the negative rows
 * (reported). Clipping per row, in integers, makes the totals additive over rows: however a
 * contribution's rows are split across identities, the parts add up to the same payable sum.
 */
export function aggregate(
  method: MethodName,
  ctx: ModelContext,
  activeScores: Float64Array,
): AttributionResult {
  const q = quantizeScores(activeScores);
  const rows = new BigInt64Array(ctx.rows.y.length);
  ctx.active.forEach((row, r) => {
    rows[row] = q[r]!;
  });
  const payable = ctx.rows.contributions.map(() => 0n);
  const negative = ctx.rows.contributions.map(() => 0n);
  const duplicates = ctx.rows.contributions.map(() => 0);
  for (let row = 0; row < rows.length; row++) {
    const c = ctx.rows.contribution[row]!;
    const v = rows[row]!;
    if (ctx.duplicates[row]) duplicates[c]!++;
    else if (v > 0n) payable[c]! += v;
    else negative[c]! += v;
  }
  const contributions: ContributionScore[] = ctx.rows.contributions.map((id, c) => ({
    id,
    payable: payable[c]!,
    negative: negative[c]!,
    duplicates: duplicates[c]!,
  }));
  return { method, rows, contributions };
}
