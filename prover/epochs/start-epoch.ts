import type { PendingInference } from "./plan.ts";

/**
 * The epoch a prover node follows from (docs/protocol.md §11.1): the first closed epoch whose
 * inference set holds an unsettled record, else the first epoch not yet closed. `ends[e]` is
 * `lastInference(e)` of closed epoch e (non-decreasing); `records` are the records up to the
 * last of them. A record left unsettled by its own epoch belongs to every later epoch's set
 * too, so the earliest epoch that reaches it is where the work starts.
 */
export function startEpoch(
  ends: readonly number[],
  records: readonly Pick<PendingInference, "id" | "payment">[],
): number {
  const unsettled = records.filter((r) => r.payment > 0n).map((r) => r.id);
  if (unsettled.length === 0) return ends.length;
  const first = Math.min(...unsettled);
  const epoch = ends.findIndex((last) => last >= first);
  return epoch === -1 ? ends.length : epoch;
}
