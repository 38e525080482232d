/**
 * Translated copies of 28 x 28 images (pixels shifted by dx, dy with zero fill): a way to
 * grow MNIST's 10,000 digits to the 60,000 rows of the full training set for timing.
 */
export function shiftImages(x: Float64Array, n: number, dx: number, dy: number, side = 28): Float32Array {
  const out = new Float32Array(n * side * side);
  for (let r = 0; r < n; r++) {
    const base = r * side * side;
    for (let row = 0; row < side; row++) {
      const from = row - dy;
      if (from < 0 || from >= side) continue;
      for (let col = 0; col < side; col++) {
        const c = col - dx;
        if (c >= 0 && c < side) out[base + row * side + col] = x[base + from * side + c]!;
      }
    }
  }
  return out;
}
