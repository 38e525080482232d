/**
 * Where a prover node reads sealed batches: the transactions in execution order (with their
 * signatures: batch data on L1 leaves them out) and the fee recipient. The sequencer's
 * JSON-RPC serves both.
 */
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import type { QueueOp, SignedTx } from "../../protocol/tx/types.ts";

export interface SourceBatch {
  readonly number: number;
  readonly feeRecipient: number;
  readonly txs: readonly (SignedTx | QueueOp)[];
}

export interface BatchSource {
  /** Sealed batch `n` (from 1), or undefined if it is not sealed yet. */
  batch(n: number): Promise<SourceBatch | undefined>;
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

  async batch(n: number): Promise<SourceBatch | undefined> {
    const b = await this.call<{ number: number; feeRecipient: number; txHashes: string[] } | null>(
      "ol_getBatch",
      [n],
    );
    if (!b) return undefined;
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
    return { number: b.number, feeRecipient: b.feeRecipient, txs };
  }
}
