import { getAddress } from "ethers";
import { ErrorCode, OpenLedgerError } from "./errors.ts";
import { type Field, tagToField } from "./field.ts";
import { poseidon } from "./poseidon.ts";

/** Where a signature is valid: one chain and one deployment of the rollup contract. */
export interface Domain {
  readonly chainId: bigint;
  /** The L1 rollup contract (checksummed or lower-case hex). */
  readonly rollup: string;
}

export const TX_DOMAIN_TAG = tagToField("openledger.tx.v1");

export function addressToField(address: string): Field {
  try {
    return BigInt(getAddress(address));
  } catch {
    throw new OpenLedgerError(ErrorCode.InvalidEncoding, `not an Ethereum address: ${address}`);
  }
}

// Every transaction hash starts with the domain hash: remember it per domain rather than
// spend a Poseidon(3) and an address parse on every transaction.
const domainHashes = new Map<string, Field>();

/** Poseidon(tag, chainId, rollup): the first input of every transaction hash. */
export function domainHash(domain: Domain): Field {
  const key = `${domain.chainId}:${domain.rollup.toLowerCase()}`;
  const cached = domainHashes.get(key);
  if (cached !== undefined) return cached;
  if (domain.chainId <= 0n || domain.chainId >= 1n << 64n) {
    throw new OpenLedgerError(ErrorCode.WrongChain, "chain id must be a positive 64-bit integer");
  }
  const h = poseidon([TX_DOMAIN_TAG, domain.chainId, addressToField(domain.rollup)]);
  domainHashes.set(key, h);
  return h;
}
