import { createRng, permutation } from "../../datasets/random.ts";
import { fitHead } from "../head-fit.ts";
import { type HeadData, probsAt } from "../head.ts";

export interface RemovalPoint {
  readonly fraction: number;
  readonly accuracy: number;
}

/**
 * Point-removal experiment: drop a fraction of the training rows in the given order, refit
 * the head on the rest, and measure held-out accuracy.
 */
export function removalCurve(
  train: HeadData,
  theta: Float64Array,
  l2: number,
  order: Uint32Array,
  fractions: readonly number[],
  test: HeadData,
): RemovalPoint[] {
  return fractions.map((fraction) => {
    const removed = new Uint8Array(train.y.length);
    order.subarray(0, Math.round(fraction * order.length)).forEach((i) => {
      removed[i] = 1;
    });
    const kept = Uint32Array.from(removed.keys()).filter((i) => !removed[i]);
    const subset = {
      dim: train.dim,
      classes: train.classes,
      f: Float64Array.from(
        { length: kept.length * train.dim },
        (_, k) => train.f[kept[Math.floor(k / train.dim)]! * train.dim + (k % train.dim)]!,
      ),
      y: Int32Array.from(kept, (i) => train.y[i]!),
    };
    // Accuracy needs no more than a loose optimum.
    return { fraction, accuracy: accuracy(fitHead(subset, theta, { l2, tolerance: 1e-6 }), test) };
  });
}

/** Row indices from the highest value down (ties by index). */
export function highestFirst(values: Float64Array): Uint32Array {
  return Uint32Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
}

export function randomOrder(n: number, seed: string): Uint32Array {
  return permutation(n, createRng(`${seed}/removal`));
}

export function accuracy(theta: Float64Array, test: HeadData): number {
  const p = new Float64Array(test.classes);
  let correct = 0;
  for (let r = 0; r < test.y.length; r++) {
    probsAt(theta, test.f, r, test.dim, test.classes, p);
    let best = 0;
    for (let a = 1; a < test.classes; a++) if (p[a]! > p[best]!) best = a;
    if (best === test.y[r]) correct++;
  }
  return correct / test.y.length;
}
