import { Command } from "commander";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import { intArg, output, rpcOption } from "./common.ts";

/** `openledger account <id>`: an L2 account's balance, stake, nonce and key. */
export function accountCommand(): Command {
  return rpcOption(new Command("account"))
    .description("show an L2 account")
    .argument("<id>", "account id", intArg)
    .option("--json", "print JSON (with the Merkle proof against the state root)", false)
    .action(async (id: number, o) => {
      const account = await new OpenLedgerProvider(o.rpc).getAccount(id);
      if (!account) {
        output(o.json, null, () => `account ${id} does not exist`);
        process.exitCode = 1;
        return;
      }
      output(o.json, account, () =>
        [
          `account     ${account.id}`,
          `balance     ${account.balance}`,
          `staked      ${account.staked}`,
          `nonce       ${account.nonce}`,
          `L1 address  ${account.l1Address}`,
          `public key  x ${account.publicKey.x}`,
          `            y ${account.publicKey.y}`,
          `state root  ${account.proof.stateRoot}${account.proof.includesOpenBatch ? " (includes the batch not sealed yet)" : ""}`,
        ].join("\n"),
      );
    });
}
