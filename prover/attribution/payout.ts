/**
 * The proportional split of decision 8: share_c = floor(pool * s_c / S) with S = sum s_c;
 * the remainder (dust, fewer units than there are contributions) is returned, not lost.
 */
export function proportionalSplit(
  pool: bigint,
  scores: readonly bigint[],
): { shares: bigint[]; dust: bigint } {
  if (scores.some((s) => s < 0n)) throw new RangeError("payable scores are never negative");
  const total = scores.reduce((a, b) => a + b, 0n);
  if (total === 0n) return { shares: scores.map(() => 0n), dust: pool };
  const shares = scores.map((s) => (pool * s) / total);
  return { shares, dust: pool - shares.reduce((a, b) => a + b, 0n) };
}
