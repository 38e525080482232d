import { Signature as EthSignature, getBytes, keccak256, type TypedDataDomain } from "ethers";
import { derivePublicKey, type PrivateKey, type PublicKey } from "./eddsa.ts";

/**
 * The L2 key is derived from one EIP-712 signature made by the user's Ethereum key, so any
 * wallet can drive the account and the key never needs its own backup:
 *   sk = keccak256(r ‖ s) of the signature over L2KeyRequest{purpose, keyIndex}
 * under the domain {name "OpenLedger", version "1", chainId, verifyingContract = rollup}.
 * ECDSA signing is deterministic (RFC 6979) in ethers and hardware wallets, so the same
 * wallet gives the same key; v is left out because some wallets encode it as 0/1, others 27/28.
 */
export const L2_KEY_TYPES = {
  L2KeyRequest: [
    { name: "purpose", type: "string" },
    { name: "keyIndex", type: "uint32" },
  ],
} as const;

export const L2_KEY_PURPOSE =
  "Derive my OpenLedger L2 key. Sign this only on an app you trust: it controls your rollup account.";

export interface TypedDataSigner {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, Array<{ name: string; type: string }>>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

export interface L2KeyDomain {
  readonly chainId: bigint;
  readonly rollup: string;
}

export interface L2KeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
}

export function l2KeyTypedData(domain: L2KeyDomain, keyIndex = 0) {
  return {
    domain: { name: "OpenLedger", version: "1", chainId: domain.chainId, verifyingContract: domain.rollup },
    types: { L2KeyRequest: L2_KEY_TYPES.L2KeyRequest.map((f) => ({ ...f })) },
    value: { purpose: L2_KEY_PURPOSE, keyIndex },
  };
}

/** L2 key from an EIP-712 signature already made over `l2KeyTypedData`. */
export function l2KeyFromSignature(signature: string): L2KeyPair {
  const sig = EthSignature.from(signature);
  const privateKey = getBytes(keccak256(new Uint8Array([...getBytes(sig.r), ...getBytes(sig.s)])));
  return { privateKey, publicKey: derivePublicKey(privateKey) };
}

export async function deriveL2Key(
  signer: TypedDataSigner,
  domain: L2KeyDomain,
  keyIndex = 0,
): Promise<L2KeyPair> {
  const { domain: d, types, value } = l2KeyTypedData(domain, keyIndex);
  return l2KeyFromSignature(await signer.signTypedData(d, types, value));
}
