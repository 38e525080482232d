import type { AffinePoint } from "../protocol/babyjub.ts";
import type { Domain } from "../protocol/domain.ts";
import type { Field } from "../protocol/field.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import { decodeTx } from "../protocol/tx/codec.ts";
import { txHash } from "../protocol/tx/fields.ts";
import { verifyTx } from "../protocol/tx/sign.ts";
import { TxType } from "../protocol/tx/types.ts";

/**
 * Hashing and signature checking of submitted transactions, the sequencer's most expensive
 * step, behind an interface so that it can run on worker threads (`verify-pool.ts`) or inline.
 */
export interface VerifyJob {
  /** Wire bytes of an L2 transaction (already decoded once by the caller). */
  readonly raw: Uint8Array;
  /** Public key of the sender's account. */
  readonly publicKey: AffinePoint;
}

export interface VerifyResult {
  readonly txHash: Field;
  readonly valid: boolean;
}

export interface TxVerifier {
  verify(job: VerifyJob): Promise<VerifyResult>;
  close(): Promise<void>;
}

export interface VerifyContext {
  readonly domain: Domain;
  readonly params: ProtocolParams;
}

/** The check itself, shared by the inline verifier and the worker threads. */
export function verifyRaw(ctx: VerifyContext, job: VerifyJob): VerifyResult {
  const tx = decodeTx(job.raw);
  if (tx.type === TxType.Deposit) return { txHash: txHash(tx, ctx.domain, ctx.params), valid: false };
  return { txHash: txHash(tx, ctx.domain, ctx.params), valid: verifyTx(tx, job.publicKey, ctx.domain, ctx.params) };
}

export class InlineVerifier implements TxVerifier {
  constructor(private readonly ctx: VerifyContext) {}
  async verify(job: VerifyJob): Promise<VerifyResult> {
    return verifyRaw(this.ctx, job);
  }
  async close(): Promise<void> {}
}
