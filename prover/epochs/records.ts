import type { OpenLedgerProvider } from "../../sdk/provider.ts";
import type { InferenceInfo } from "../../sdk/wire.ts";

const PAGE = 100;

/** Inference records with `after` < id ≤ `last`, from the sequencer a page at a time. */
export async function listRecords(
  provider: OpenLedgerProvider,
  after: number,
  last: number,
): Promise<InferenceInfo[]> {
  const out: InferenceInfo[] = [];
  for (let offset = after; offset < last; offset += PAGE) {
    out.push(...(await provider.listInferences({ offset, limit: Math.min(PAGE, last - offset) })));
  }
  return out;
}
