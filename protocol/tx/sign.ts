import type { Domain } from "../domain.ts";
import { type PrivateKey, type PublicKey, signMessage, verifySignature } from "../eddsa.ts";
import type { ProtocolParams } from "../params.ts";
import { txHash } from "./fields.ts";
import type { L2Tx, SignedTx } from "./types.ts";

export function signTx<T extends L2Tx>(
  tx: T,
  sk: PrivateKey,
  domain: Domain,
  params: ProtocolParams,
): SignedTx<T> {
  return { ...tx, signature: signMessage(sk, txHash(tx, domain, params)) };
}

/** True iff `tx.signature` is the owner's signature of this transaction in this domain. */
export function verifyTx(tx: SignedTx, owner: PublicKey, domain: Domain, params: ProtocolParams): boolean {
  return verifySignature(txHash(tx, domain, params), tx.signature, owner);
}
