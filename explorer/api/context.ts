import type { Logger } from "pino";
import { ExplorerError, notFound } from "./errors.ts";
import type { GovernanceSource } from "./governance-source.ts";
import type { L1BatchInfo, L1Snapshot, L1Status } from "./l1-status.ts";
import type { TransactionInfo } from "../../sdk/wire.ts";
import type { L2Batch, SequencerSource } from "./sequencer-source.ts";

/** What every route reads from: the sequencer and the rollup on L1. */
export interface ExplorerContext {
  readonly seq: SequencerSource;
  readonly l1: L1Status;
  readonly governance: GovernanceSource;
  /** L1 block explorer prefix for transaction links (`<prefix><hash>`), if any. */
  readonly l1TxUrl: string | null;
  readonly logger?: Logger;
}

/**
 * The L1 view, or why there is none: L2 pages stay readable while L1 does not answer,
 * and say so.
 */
export async function l1View(
  ctx: ExplorerContext,
): Promise<{ l1: L1Snapshot | null; l1Error: string | null }> {
  try {
    return { l1: await ctx.l1.snapshot(), l1Error: null };
  } catch (e) {
    if (e instanceof ExplorerError) return { l1: null, l1Error: e.message };
    throw e;
  }
}

/** The batch's L1 record, with whether L1 holds the sequencer's post-state root. */
export function l1Batch(
  l1: L1Snapshot | null,
  b: L2Batch,
): (L1BatchInfo & { rootMatches: boolean | null }) | null {
  if (!l1) return null;
  const info = l1.batch(b.number);
  return {
    ...info,
    rootMatches:
      info.postStateRoot === null ? null : info.postStateRoot.toLowerCase() === b.postStateRoot.toLowerCase(),
  };
}

export async function mustFind<T>(value: Promise<T | null>, what: string): Promise<T> {
  const v = await value;
  if (v === null) throw notFound(what);
  return v;
}

/** Maps `items` through `f` with at most `limit` calls in flight: one client, polite to the sequencer. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  f: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const amount = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** One line of a transaction list: who, to whom, how much. */
export function txSummary(t: TransactionInfo) {
  const tx = t.tx;
  return {
    hash: t.hash,
    type: t.type,
    status: t.status,
    batch: t.batch,
    position: t.position,
    from: num(tx.from),
    to: num(tx.to),
    amount: amount(tx.amount) ?? amount(tx.payment) ?? amount(tx.stake),
    fee: amount(tx.fee),
  };
}

export async function txSummaries(ctx: ExplorerContext, hashes: readonly string[]) {
  const txs = await mapLimit(hashes, 8, (h) => ctx.seq.transaction(h));
  return txs.filter((t): t is TransactionInfo => t !== null).map(txSummary);
}

/**
 * Offset and count, from the newest entry, of a page of a 1-based list of `total` entries
 * the sequencer serves oldest first.
 */
export function newestFirst(total: number, offset: number, limit: number): { start: number; count: number } {
  const last = total - offset;
  const start = Math.max(1, last - limit + 1);
  return { start, count: Math.max(0, last - start + 1) };
}
