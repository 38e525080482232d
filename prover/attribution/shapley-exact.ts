/**
 * Shapley values by enumerating all 2^n coalitions (n <= 20): the ground truth that the
 * fast methods are tested against. phi_i = sum over S not containing i of
 * |S|! (n - |S| - 1)! / n! * (U(S + i) - U(S)).
 */
export function exactShapley(n: number, utility: (members: readonly number[]) => number): Float64Array {
  if (n > 20) throw new RangeError("exact Shapley enumerates 2^n subsets; n must be <= 20");
  const value = new Float64Array(1 << n);
  for (let mask = 0; mask < 1 << n; mask++) value[mask] = utility(members(mask, n));
  const weight = Array.from({ length: n }, (_, s) => 1 / (n * binomial(n - 1, s)));
  const phi = new Float64Array(n);
  for (let mask = 0; mask < 1 << n; mask++) {
    const size = members(mask, n).length;
    for (let i = 0; i < n; i++) {
      if (mask & (1 << i)) continue;
      phi[i]! += weight[size]! * (value[mask | (1 << i)]! - value[mask]!);
    }
  }
  return phi;
}

function members(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mask & (1 << i)) out.push(i);
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
