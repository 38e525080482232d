import { Command } from "commander";
import { type AccountInfo, OpenLedgerProvider } from "../../sdk/provider.ts";
import { formatAmount } from "../../sdk/amounts.ts";
import { intArg, output, rpcOption, weiOption } from "./common.ts";

/** `openledger account <id | L1 address>`: L2 accounts' balance, stake, nonce and key. */
export function accountCommand(): Command {
  return rpcOption(new Command("account"))
    .description("show an L2 account, by id or by the L1 address whose deposit opened it")
    .argument("<id|address>", "account id, or an L1 address (0x...)")
    .addOption(weiOption())
    .option(
      "--json",
      "print JSON (with the Merkle proof against the state root; amounts in base units)",
      false,
    )
    .action(async (which: string, o: { rpc: string; json: boolean; wei: boolean }) => {
      const provider = new OpenLedgerProvider(o.rpc);
      const ids = /^0x[0-9a-fA-F]{40}$/.test(which)
        ? await provider.getAccountsByL1Address(which)
        : [intArg(which)];
      const accounts = (await Promise.all(ids.map((id) => provider.getAccount(id)))).filter(
        (a) => a !== null,
      );
      if (accounts.length === 0) {
        output(o.json, null, () => `no L2 account for ${which}`);
        process.exitCode = 1;
        return;
      }
      output(o.json, /^0x/.test(which) ? accounts : accounts[0], () =>
        accounts.map((a) => describe(a, o.wei)).join("\n\n"),
      );
    });
}

function describe(account: AccountInfo, wei: boolean): string {
  return [
    `account     ${account.id}`,
    `balance     ${formatAmount(BigInt(account.balance), { wei })}`,
    `staked      ${formatAmount(BigInt(account.staked), { wei })}`,
    `nonce       ${account.nonce}`,
    `L1 address  ${account.l1Address}`,
    `public key  x ${account.publicKey.x}`,
    `            y ${account.publicKey.y}`,
    `state root  ${account.proof.stateRoot}${account.proof.includesOpenBatch ? " (includes the batch not sealed yet)" : ""}`,
  ].join("\n");
}
