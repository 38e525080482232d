import type { OpenLedgerProvider } from "../../sdk/provider.ts";
import { listRecords } from "./records.ts";

/**
 * Where a prover node that (re)starts begins following epochs: the first closed epoch whose
 * inference set still holds an unsettled record (payment > 0), else the first epoch not yet
 * closed. Epochs before it have nothing left to pay (docs/protocol.md §11.1), so they are
 * not attributed again; each record is read once.
 */
export async function firstUnsettledEpoch(provider: OpenLedgerProvider): Promise<number> {
  const { epochLength } = await provider.getGovernance();
  const closed = Math.floor((await provider.getBatchNumber()) / epochLength);
  let after = 0;
  for (let epoch = 0; epoch < closed; epoch++) {
    const end = await provider.getBatch((epoch + 1) * epochLength);
    if (!end) return epoch;
    const last = end.endCounters.inferences;
    if ((await listRecords(provider, after, last)).some((r) => BigInt(r.payment) > 0n)) return epoch;
    after = last;
  }
  return closed;
}
