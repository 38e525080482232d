/**
 * Dense symmetric positive-definite solves for the head's Hessian (a few hundred rows):
 * Cholesky once, then two triangular solves per right-hand side.
 */
export interface Cholesky {
  readonly size: number;
  /** Lower triangle, row-major size x size. */
  readonly l: Float64Array;
}

/** Factors A = L L^T; returns null when A is not (numerically) positive definite. */
export function cholesky(a: Float64Array, size: number): Cholesky | null {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * size + j]!;
      const ri = i * size;
      const rj = j * size;
      for (let k = 0; k < j; k++) s -= l[ri + k]! * l[rj + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j]!;
      }
    }
  }
  return { size, l };
}

/** x with A x = b. */
export function choleskySolve({ size, l }: Cholesky, b: Float64Array): Float64Array {
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * size + k]! * y[k]!;
    y[i] = s / l[i * size + i]!;
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < size; k++) s -= l[k * size + i]! * x[k]!;
    x[i] = s / l[i * size + i]!;
  }
  return x;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
