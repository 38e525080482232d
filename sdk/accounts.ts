import type { PublicKey } from "../protocol/eddsa.ts";
import type { OpenLedgerProvider } from "./provider.ts";

/**
 * Ids of the L2 accounts that deposits from `l1Address` opened for `publicKey`, lowest first.
 * One key may hold several (each deposit to account 0 opens a new one).
 */
export async function accountsOfKey(
  provider: OpenLedgerProvider,
  l1Address: string,
  publicKey: PublicKey,
): Promise<number[]> {
  const ids = await provider.getAccountsByL1Address(l1Address);
  const accounts = await Promise.all(ids.map((id) => provider.getAccount(id)));
  return accounts
    .filter((a) => a && BigInt(a.publicKey.x) === publicKey.x && BigInt(a.publicKey.y) === publicKey.y)
    .map((a) => a!.id)
    .sort((a, b) => a - b);
}
