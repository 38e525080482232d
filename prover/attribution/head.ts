import { dot } from "./linalg.ts";

/**
 * The model's linear softmax head as a function of its parameters, on fixed embeddings.
 * theta has classes x (dim + 1) entries, class-major, the bias last in each class row: the
 * gradient of one row's loss is then the outer product (p - onehot(y)) x [embedding, 1].
 * The head objective is mean cross-entropy + (l2 / 2) * |theta|^2.
 */
export interface HeadData {
  readonly dim: number;
  readonly classes: number;
  /** n x dim embeddings. */
  readonly f: Float64Array;
  readonly y: Int32Array;
}

export function thetaSize(dim: number, classes: number): number {
  return classes * (dim + 1);
}

export function rows(data: HeadData): number {
  return data.y.length;
}

/** Softmax probabilities of the head for embedding row `r` of `f`, written to `out`. */
export function probsAt(
  theta: Float64Array,
  f: Float64Array,
  r: number,
  dim: number,
  classes: number,
  out: Float64Array,
): void {
  const w = dim + 1;
  let max = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < classes; a++) {
    let z = theta[a * w + dim]!;
    for (let j = 0; j < dim; j++) z += theta[a * w + j]! * f[r * dim + j]!;
    out[a] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let a = 0; a < classes; a++) {
    out[a] = Math.exp(out[a]! - max);
    sum += out[a]!;
  }
  for (let a = 0; a < classes; a++) out[a] = out[a]! / sum;
}

/** p - onehot(label) for every row: the class factor of each row's rank-one gradient. */
export function residuals(theta: Float64Array, data: HeadData): Float64Array {
  const { dim, classes, f, y } = data;
  const n = rows(data);
  const out = new Float64Array(n * classes);
  const p = new Float64Array(classes);
  for (let r = 0; r < n; r++) {
    probsAt(theta, f, r, dim, classes, p);
    for (let a = 0; a < classes; a++) out[r * classes + a] = p[a]! - (y[r] === a ? 1 : 0);
  }
  return out;
}

/** Gradient of one row's cross-entropy: (p - onehot(label)) x [embedding, 1]. */
export function rowGradient(
  theta: Float64Array,
  x: Float64Array,
  label: number,
  classes: number,
): Float64Array {
  const dim = x.length;
  const p = new Float64Array(classes);
  probsAt(theta, x, 0, dim, classes, p);
  const g = new Float64Array(classes * (dim + 1));
  for (let a = 0; a < classes; a++) {
    const ra = p[a]! - (a === label ? 1 : 0);
    for (let j = 0; j < dim; j++) g[a * (dim + 1) + j] = ra * x[j]!;
    g[a * (dim + 1) + dim] = ra;
  }
  return g;
}

/** Cross-entropy of one row. */
export function rowLoss(theta: Float64Array, x: Float64Array, label: number, classes: number): number {
  const p = new Float64Array(classes);
  probsAt(theta, x, 0, x.length, classes, p);
  return -Math.log(p[label]!);
}

/**
 * Objective with row r weighted keep[r] (all 1 when omitted), always normalized by the row
 * count n: dropping a row then changes only that row's term, which is what leave-one-out and
 * influence functions compare.
 */
export function objective(theta: Float64Array, data: HeadData, l2: number, keep?: Uint8Array): number {
  const { dim, classes, f, y } = data;
  const p = new Float64Array(classes);
  let loss = 0;
  for (let r = 0; r < rows(data); r++) {
    if (keep && !keep[r]) continue;
    probsAt(theta, f, r, dim, classes, p);
    loss -= Math.log(p[y[r]!]!);
  }
  return loss / rows(data) + (l2 / 2) * dot(theta, theta);
}

/** Gradient of `objective`. */
export function gradient(theta: Float64Array, data: HeadData, l2: number, keep?: Uint8Array): Float64Array {
  const { dim, classes, f, y } = data;
  const w = dim + 1;
  const g = new Float64Array(theta.length);
  const p = new Float64Array(classes);
  for (let r = 0; r < rows(data); r++) {
    if (keep && !keep[r]) continue;
    probsAt(theta, f, r, dim, classes, p);
    for (let a = 0; a < classes; a++) {
      const ra = p[a]! - (y[r] === a ? 1 : 0);
      for (let j = 0; j < dim; j++) g[a * w + j]! += ra * f[r * dim + j]!;
      g[a * w + dim]! += ra;
    }
  }
  const n = rows(data);
  for (let k = 0; k < g.length; k++) g[k] = g[k]! / n + l2 * theta[k]!;
  return g;
}

/**
 * Hessian of `objective` plus `damping` on the diagonal:
 * (1/n) sum_r (diag(p_r) - p_r p_r^T) kron x_r x_r^T + (l2 + damping) I, with x_r = [f_r, 1].
 */
export function hessian(theta: Float64Array, data: HeadData, l2: number, damping = 0): Float64Array {
  const { dim, classes, f } = data;
  const w = dim + 1;
  const size = classes * w;
  const h = new Float64Array(size * size);
  const p = new Float64Array(classes);
  const x = new Float64Array(w);
  x[dim] = 1;
  const n = rows(data);
  for (let r = 0; r < n; r++) {
    probsAt(theta, f, r, dim, classes, p);
    x.set(f.subarray(r * dim, (r + 1) * dim));
    for (let a = 0; a < classes; a++) {
      for (let b = a; b < classes; b++) {
        const c = (a === b ? p[a]! : 0) - p[a]! * p[b]!;
        if (c === 0) continue;
        // Upper triangle of the (a, b) block; the rest is filled by symmetry below.
        for (let i = 0; i < w; i++) {
          const ci = c * x[i]!;
          const row = (a * w + i) * size + b * w;
          for (let j = a === b ? i : 0; j < w; j++) h[row + j]! += ci * x[j]!;
        }
      }
    }
  }
  for (let i = 0; i < size; i++) {
    for (let j = i; j < size; j++) {
      const v = h[i * size + j]! / n + (i === j ? l2 + damping : 0);
      h[i * size + j] = v;
      h[j * size + i] = v;
    }
  }
  return h;
}
