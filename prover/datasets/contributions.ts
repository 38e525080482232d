import type { TrainingRows } from "../attribution/types.ts";
import type { Dataset } from "./dataset.ts";
import { createRng } from "./random.ts";

/**
 * Deals the rows of `ds` to `count` contributions of unequal size (owner weights drawn
 * from [0.5, 1.5)), with ids 1..count. Row order is kept as registration order.
 */
export function dealContributions(ds: Dataset, count: number, seed: string): TrainingRows {
  const rng = createRng(`${seed}/contributions`);
  const weights = Array.from({ length: count }, () => 0.5 + rng.next());
  const total = weights.reduce((a, b) => a + b, 0);
  const contribution = new Uint32Array(ds.y.length);
  for (let i = 0; i < contribution.length; i++) {
    let u = rng.next() * total;
    let c = 0;
    while (c < count - 1 && u >= weights[c]!) u -= weights[c++]!;
    contribution[i] = c;
  }
  return {
    dim: ds.dim,
    classes: ds.classes,
    x: ds.x,
    y: ds.y,
    contribution,
    contributions: Array.from({ length: count }, (_, c) => BigInt(c + 1)),
  };
}
