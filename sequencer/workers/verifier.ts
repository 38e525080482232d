import type { AffinePoint } from "../../protocol/babyjub.ts";
import type { Domain } from "../../protocol/domain.ts";
import type { Field } from "../../protocol/field.ts";
import type { ProtocolParams } from "../../protocol/params.ts";
import { verifySignature } from "../../protocol/eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import { decodeTx } from "../../protocol/tx/codec.ts";
import { txHash as computeTxHash } from "../../protocol/tx/fields.ts";
import { isQueueOp, type SignedTx } from "../../protocol/tx/types.ts";

/**
 * Decoding, hashing and signature checking of submitted transactions, the sequencer's most
 * expensive step, behind an interface so that it can run on worker threads (`verify-pool.ts`)
 * or inline.
 */
export interface VerifyJob {
  /** Wire bytes of an L2 transaction. */
  readonly raw: Uint8Array;
  /** Sender account id, as the bytes claim it (spreads the work across workers by sender). */
  readonly sender: number;
  /** Public key of the sender's account. */
  readonly publicKey: AffinePoint;
}

/** The decoded transaction with its hash and signature verdict, or why it could not be decoded. */
export type VerifyResult =
  | { readonly ok: true; readonly tx: SignedTx; readonly txHash: Field; readonly valid: boolean }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export interface TxVerifier {
  /** Resolves when jobs can be checked without start-up delay. */
  ready(): Promise<void>;
  verify(job: VerifyJob): Promise<VerifyResult>;
  close(): Promise<void>;
}

export interface VerifyContext {
  readonly domain: Domain;
  readonly params: ProtocolParams;
}

/** Decoding, hashing and the signature check, shared by the inline verifier and the workers. */
export function verifyRaw(ctx: VerifyContext, job: VerifyJob): VerifyResult {
  try {
    const tx = decodeTx(job.raw);
    if (isQueueOp(tx)) {
      return {
        ok: false,
        code: ErrorCode.InvalidTransaction,
        message: "deposits and other queue operations enter only from the L1 priority queue",
      };
    }
    const txHash = computeTxHash(tx, ctx.domain, ctx.params);
    return { ok: true, tx, txHash, valid: verifySignature(txHash, tx.signature, job.publicKey) };
  } catch (e) {
    if (e instanceof OpenLedgerError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

export class InlineVerifier implements TxVerifier {
  constructor(private readonly ctx: VerifyContext) {}
  async ready(): Promise<void> {}
  async verify(job: VerifyJob): Promise<VerifyResult> {
    return verifyRaw(this.ctx, job);
  }
  async close(): Promise<void> {}
}
