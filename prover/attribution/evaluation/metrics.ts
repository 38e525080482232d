/**
 * Data-valuation quality measures, as in opendataval's noisy-label experiments: rows with
 * flipped labels should get the lowest values.
 */

/** ROC AUC of "low value means noisy": the chance a noisy row is valued below a clean one (ties count half). */
export function noisyAuc(values: Float64Array, noisy: Uint8Array): number {
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  // Mann-Whitney U over ranks of -value, with tied values sharing their mean rank.
  const rank = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    for (let k = i; k <= j; k++) rank[order[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  noisy.forEach((flag, i) => {
    if (!flag) return;
    positives++;
    rankSum += rank[i]!;
  });
  const negatives = values.length - positives;
  // Low ranks are low values: U counts (clean, noisy) pairs with the noisy row ranked lower.
  return (positives * negatives + (positives * (positives + 1)) / 2 - rankSum) / (positives * negatives);
}

/**
 * F1 of opendataval's detector: split the values into two clusters by 1-D 2-means and call
 * the cluster with the lower centre noisy. In one dimension the optimal 2-means split is a
 * threshold in sorted order, found exactly by one scan (no random restarts).
 */
export function twoMeansF1(values: Float64Array, noisy: Uint8Array): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const prefix = new Float64Array(n + 1);
  const prefixSq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = prefix[i]! + sorted[i]!;
    prefixSq[i + 1] = prefixSq[i]! + sorted[i]! * sorted[i]!;
  }
  const sse = (a: number, b: number) =>
    prefixSq[b]! - prefixSq[a]! - (prefix[b]! - prefix[a]!) ** 2 / (b - a);
  let best = 1;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let cut = 1; cut < n; cut++) {
    if (sorted[cut] === sorted[cut - 1]) continue;
    const cost = sse(0, cut) + sse(cut, n);
    if (cost < bestCost) {
      bestCost = cost;
      best = cut;
    }
  }
  const threshold = sorted[best - 1]!;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  values.forEach((v, i) => {
    const predicted = v <= threshold;
    if (predicted && noisy[i]) tp++;
    else if (predicted) fp++;
    else if (noisy[i]) fn++;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}
