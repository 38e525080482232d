/**
 * The attribution methods governance's `attributionMethod` names (docs/attribution.md §3):
 * id 1 + the index here, so 1 (genesis) is KNN-Shapley. The prover runs them; the explorer
 * and anyone reading a settlement name them with the same table.
 */
export const ATTRIBUTION_METHODS = [
  "knnShapley",
  "tracin",
  "influence",
  "tmcShapley",
  "loo",
  "spanMatch",
] as const;

export type MethodName = (typeof ATTRIBUTION_METHODS)[number];

/** The method an id names, or undefined for an id outside the table. */
export function attributionMethodName(id: number): MethodName | undefined {
  return Number.isInteger(id) ? ATTRIBUTION_METHODS[id - 1] : undefined;
}
