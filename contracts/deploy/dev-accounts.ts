import { HDNodeWallet, Mnemonic } from "ethers";

/**
 * Hardhat's well-known TEST mnemonic: its keys are public, every local chain funds them with
 * test ether. Dev and test only; never send anything of value to these addresses.
 */
export const HARDHAT_TEST_MNEMONIC = "test test test test test test test test test test test junk";

/** Roles of the first dev accounts; the rest are users funded with OPEN. */
export const DEV_ROLES = ["deployer (treasury)", "sequencer", "prover"] as const;

export interface DevAccount {
  index: number;
  role: string;
  address: string;
}

/** Dev account `index`'s key, as a wallet: blob transactions (commitBatch) are signed locally. */
export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_TEST_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

export function devAccounts(count: number): DevAccount[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    role: DEV_ROLES[index] ?? "user",
    address: devWallet(index).address,
  }));
}
