import { createRng, permutation } from "./random.ts";

/** A labelled table: row-major features and integer class labels 0..classes-1. */
export interface Dataset {
  readonly name: string;
  readonly dim: number;
  readonly classes: number;
  /** n x dim, row-major. */
  readonly x: Float64Array;
  readonly y: Int32Array;
}

export function size(ds: Dataset): number {
  return ds.y.length;
}

/** The rows at `indices`, in that order. */
export function select(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const x = new Float64Array(indices.length * ds.dim);
  const y = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r]!;
    x.set(ds.x.subarray(i * ds.dim, (i + 1) * ds.dim), r * ds.dim);
    y[r] = ds.y[i]!;
  }
  return { name: ds.name, dim: ds.dim, classes: ds.classes, x, y };
}

/** Seeded shuffle and cut into consecutive parts of the given sizes (the rest is dropped). */
export function splitBySizes(ds: Dataset, sizes: readonly number[], seed: string): Dataset[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > size(ds)) throw new RangeError(`asked for ${total} rows, ${ds.name} has ${size(ds)}`);
  const order = permutation(size(ds), createRng(`${seed}/split`));
  const parts: Dataset[] = [];
  let start = 0;
  for (const n of sizes) {
    parts.push(select(ds, order.subarray(start, start + n)));
    start += n;
  }
  return parts;
}

/**
 * Replaces the labels of a seeded `fraction` of rows by a different class chosen uniformly,
 * as in opendataval's noisy-label experiments. Returns the new labels and which rows flipped.
 */
export function flipLabels(
  ds: Dataset,
  fraction: number,
  seed: string,
): { data: Dataset; flipped: Uint8Array } {
  const n = size(ds);
  const rng = createRng(`${seed}/flip`);
  const chosen = permutation(n, rng).subarray(0, Math.round(fraction * n));
  const y = ds.y.slice();
  const flipped = new Uint8Array(n);
  for (const i of chosen) {
    y[i] = (y[i]! + 1 + rng.int(ds.classes - 1)) % ds.classes;
    flipped[i] = 1;
  }
  return { data: { ...ds, y }, flipped };
}

/** Per-column z-scores, for tabular data whose columns have unrelated units. */
export function standardize(ds: Dataset): Dataset {
  const n = size(ds);
  const x = ds.x.slice();
  for (let j = 0; j < ds.dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * ds.dim + j]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[i * ds.dim + j]! - mean) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) x[i * ds.dim + j] = (x[i * ds.dim + j]! - mean) / sd;
  }
  return { ...ds, x };
}
