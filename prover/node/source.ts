/**
 * Where a prover node reads sealed entries: for a batch, the transactions in execution order
 * (with their signatures: batch data on L1 leaves them out) and the fee recipient; for a
 * reward settlement, the settlement (its data is on L1 too; the treasury account is the
 * sequencer's word, which L1's root then checks). The sequencer's JSON-RPC serves them.
 */
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { Settlement } from "../../protocol/rewards/settlement.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import type { QueueOp, SignedTx } from "../../protocol/tx/types.ts";
import { settlementOf } from "../../sdk/entries.ts";
import type { EntryInfo } from "../../sdk/wire.ts";

export interface SourceBatch {
  readonly kind: "batch";
  readonly number: number;
  readonly feeRecipient: number;
  readonly txs: readonly (SignedTx | QueueOp)[];
}

export interface SourceSettlement {
  readonly kind: "settlement";
  readonly number: number;
  readonly settlement: Settlement;
}

export type SourceEntry = SourceBatch | SourceSettlement;

export interface BatchSource {
  /** Sealed entry `n` (from 1), or undefined if it is not sealed yet. */
  batch(n: number): Promise<SourceEntry | undefined>;
}

export class SequencerRpcSource implements BatchSource {
  private id = 0;

  constructor(private readonly url: string) {}

  private async call<T>(method: string, params: unknown[]): Promise<T> {
    const res = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++this.id, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
    if (body.error)
      throw new OpenLedgerError(ErrorCode.InvalidTransaction, `${method}: ${body.error.message}`);
    return body.result as T;
  }

  async batch(n: number): Promise<SourceEntry | undefined> {
    const b = await this.call<EntryInfo | null>("ol_getBatch", [n]);
    if (!b) return undefined;
    if (b.kind === "settlement") return { kind: "settlement", number: b.number, settlement: settlementOf(b) };
    const txs = await Promise.all(
      b.txHashes.map(async (hash) => {
        const t = await this.call<{ raw: string } | null>("ol_getTransaction", [hash]);
        if (!t)
          throw new OpenLedgerError(
            ErrorCode.StateCorrupt,
            `batch ${n} names transaction ${hash}, which the sequencer does not have`,
          );
        return decodeTx(Buffer.from(t.raw.slice(2), "hex"));
      }),
    );
    return { kind: "batch", number: b.number, feeRecipient: b.feeRecipient, txs };
  }
}
