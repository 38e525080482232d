import type { Command } from "commander";
import { JsonRpcProvider, NonceManager, type Signer } from "ethers";
import { type EthKeyOptions, intArg, loadEthWallet } from "./common.ts";

/** Options of the bridge commands that talk to L1. */
export interface L1Options {
  readonly l1: string;
  readonly fromBlock: number;
}

export function l1Options(cmd: Command): Command {
  return cmd
    .option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .option("--from-block <n>", "the rollup's deployment block: where event scans start", intArg, 0);
}

/** Runs `work` with an L1 provider, closed afterwards (an open one keeps the process alive). */
export async function withL1<T>(o: L1Options, work: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
  const provider = new JsonRpcProvider(o.l1, undefined, { staticNetwork: true });
  try {
    return await work(provider);
  } finally {
    provider.destroy();
  }
}

/**
 * The user's Ethereum key as an L1 signer. It counts its own nonces: transactions sent back
 * to back (an approval, then the order) must not trust the node's pending count, which can lag
 * right after a block (seen on the devnet's EDR chain).
 */
export function l1Signer(o: EthKeyOptions, provider: JsonRpcProvider): Signer {
  return new NonceManager(loadEthWallet(o).connect(provider));
}
