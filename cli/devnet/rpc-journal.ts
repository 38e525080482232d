import { appendFileSync, existsSync, readFileSync } from "node:fs";

/**
 * The devnet L1 keeps its state between runs as a journal of the JSON-RPC calls that changed
 * it (EDR has no state dump): replaying them in order, each transaction at its recorded block
 * time, rebuilds the same chain, so contract addresses and balances survive a restart.
 */
export interface JournalEntry {
  method: string;
  params: unknown[];
  /** Timestamp of the block a transaction was mined in, replayed with evm_setNextBlockTimestamp. */
  blockTime?: number;
}

const TRANSACTIONS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);
const STATE_CHANGING = new Set([
  ...TRANSACTIONS,
  "evm_increaseTime",
  "evm_setNextBlockTimestamp",
  "evm_mine",
  "hardhat_mine",
  "evm_snapshot",
  "evm_revert",
  "hardhat_setBalance",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setStorageAt",
  "hardhat_impersonateAccount",
  "hardhat_stopImpersonatingAccount",
]);

export const changesState = (method: string) => STATE_CHANGING.has(method);
export const sendsTransaction = (method: string) => TRANSACTIONS.has(method);

export class RpcJournal {
  constructor(readonly path: string) {}

  /** Synchronous append: an entry is on disk before the caller sees the result. */
  append(entry: JournalEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }

  entries(): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, "utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as JournalEntry);
  }
}
