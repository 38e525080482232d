import { type Domain, domainHash } from "../domain.ts";
import { type PrivateKey, type PublicKey, type Signature, signMessage, verifySignature } from "../eddsa.ts";
import { type Field, tagToField } from "../field.ts";
import { poseidonList } from "../poseidon.ts";
import type { SettlementData } from "./encoding.ts";

/** Separates a settlement's signed hash from a transaction's (docs/protocol.md §11.6). */
export const SETTLEMENT_DOMAIN_TAG = tagToField("openledger.settlement.v1");

/** A settlement as a prover node submits it to the sequencer: signed by its prover account's key. */
export interface SignedSettlement {
  readonly data: SettlementData;
  readonly signature: Signature;
}

/**
 * PoseidonList([domainHash, tag, epoch, model, proverAccount, n, c, ids…, scores…]): binds the
 * chain, the rollup and every score. A replay is harmless: a record is settled once.
 */
export function settlementHash(d: SettlementData, domain: Domain): Field {
  const c = d.scores[0]?.length ?? 0;
  return poseidonList([
    domainHash(domain),
    SETTLEMENT_DOMAIN_TAG,
    BigInt(d.epoch),
    BigInt(d.model),
    BigInt(d.proverAccount),
    BigInt(d.inferences.length),
    BigInt(c),
    ...d.inferences.map(BigInt),
    ...d.scores.flat(),
  ]);
}

export function signSettlement(d: SettlementData, sk: PrivateKey, domain: Domain): SignedSettlement {
  return { data: d, signature: signMessage(sk, settlementHash(d, domain)) };
}

/** True iff the signature is `owner`'s over this settlement in this domain. */
export function verifySettlement(s: SignedSettlement, owner: PublicKey, domain: Domain): boolean {
  return verifySignature(settlementHash(s.data, domain), s.signature, owner);
}
