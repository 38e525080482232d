import { Option } from "commander";
import type { ChainReader, AccountReader } from "../../store/roles.ts";
import type { StoreClient } from "../../store/client.ts";
import { withL1 } from "./bridge-l1.ts";
import { intArg } from "./common.ts";

/** `--prover <account>`, repeatable: readers the chain names (docs/store.md, "Readers"). */
export function proverOption(what: string): Option {
  return new Option(
    "--prover <account>",
    `${what} by L2 account; its L1 address must be a bonded prover, asked of --l1 (repeatable)`,
  )
    .argParser((v: string, acc: number[]) => [...acc, intArg(v)])
    .default([]);
}

/**
 * The accounts as prover readers, each checked against the rollup contract at `o.rollup` on
 * `o.l1` (store/roles.ts, proverReader): NOT_BONDED_PROVER for one that is not bonded,
 * L1_UNREACHABLE when L1 does not answer. No accounts, no L1 call.
 */
export async function checkedProvers(
  o: { readonly l1: string; readonly chainId: string; readonly rollup: string },
  chain: ChainReader,
  store: StoreClient,
  accounts: readonly number[],
): Promise<AccountReader[]> {
  if (accounts.length === 0) return [];
  const [{ proverReaders }, { L1ProverRegistry }] = await Promise.all([
    import("../../store/roles.ts"),
    import("../../sequencer/l1/prover-registry.ts"),
  ]);
  return withL1({ ...o, fromBlock: 0 }, (l1) => {
    const registry = new L1ProverRegistry(o.rollup, l1);
    return proverReaders(chain, store, accounts, (address) => registry.isProver(address));
  });
}
