import type { OpenLedgerProvider } from "../../sdk/provider.ts";
import { listRecords } from "./records.ts";
import { startEpoch } from "./start-epoch.ts";

/**
 * Where a prover node that (re)starts begins following epochs (`startEpoch`), read from the
 * sequencer: the closed epochs' ends, then their records once. Epochs before it have nothing
 * left to pay, so they are not attributed again.
 */
export async function firstUnsettledEpoch(provider: OpenLedgerProvider): Promise<number> {
  const { epochLength } = await provider.getGovernance();
  const closed = Math.floor((await provider.getBatchNumber()) / epochLength);
  const ends: number[] = [];
  for (let epoch = 0; epoch < closed; epoch++) {
    const end = await provider.getBatch((epoch + 1) * epochLength);
    // Sealed entries are never missing; should one be, follow from that epoch and retry there.
    if (!end) break;
    ends.push(end.endCounters.inferences);
  }
  const records = await listRecords(provider, 0, ends.at(-1) ?? 0);
  return startEpoch(
    ends,
    records.map((r) => ({ id: r.id, payment: BigInt(r.payment) })),
  );
}
