import type { Command } from "commander";
import { JsonRpcProvider, Network, NonceManager, type Signer } from "ethers";
import { BridgeError, BridgeErrorCode } from "../../bridge/errors.ts";
import { isConnectionFailure } from "../../bridge/exit-state.ts";
import { type EthKeyOptions, intArg, loadEthWallet } from "./common.ts";

/** Options of the bridge commands that talk to L1. */
export interface L1Options {
  readonly l1: string;
  readonly fromBlock: number;
  readonly chainId: string;
}

export function l1Options(cmd: Command): Command {
  return cmd
    .option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .option("--from-block <n>", "the rollup's deployment block: where event scans start", intArg, 0);
}

/**
 * Runs `work` with an L1 provider, closed afterwards (an open one keeps the process alive).
 * The network is given, not detected: detection retries in the background forever when the
 * node is down, and a node that is down is reported as such.
 */
export async function withL1<T>(o: L1Options, work: (provider: JsonRpcProvider) => Promise<T>): Promise<T> {
  const provider = new JsonRpcProvider(o.l1, Network.from(BigInt(o.chainId)), { staticNetwork: true });
  try {
    return await work(provider);
  } catch (e) {
    if (isConnectionFailure(e)) {
      throw new BridgeError(
        BridgeErrorCode.L1Unreachable,
        `cannot reach the L1 node at ${o.l1}: start it (\`npm start\` runs the devnet's) or pass --l1 <url>`,
      );
    }
    throw e;
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
