import { Command, CommanderError } from "commander";
import { CodedError } from "../protocol/errors.ts";
import { RpcCallError } from "../sdk/provider.ts";
import { accountCommand } from "./commands/account.ts";
import { bridgeCommand } from "./commands/bridge.ts";
import { govCommand } from "./commands/gov.ts";
import { grantsCommand } from "./commands/grants.ts";
import { contributeCommand, grantCommand } from "./commands/contribute.ts";
import { datanetCommand } from "./commands/datanet.ts";
import { devnetCommand } from "./commands/devnet.ts";
import { explorerCommand } from "./commands/explorer.ts";
import { keyCommand } from "./commands/key.ts";
import { modelCommand } from "./commands/model.ts";
import { proverCommand } from "./commands/prover.ts";
import { rebuildCommand } from "./commands/rebuild.ts";
import { snapshotCommand } from "./commands/snapshot.ts";
import { sequencerCommand } from "./commands/sequencer.ts";
import { inferCommand, serveCommand } from "./commands/serve.ts";
import { storeCommand } from "./commands/store.ts";
import { txCommand } from "./commands/tx.ts";

/** Builds the `openledger` command tree. Each component registers its own subcommand. */
export function buildProgram(): Command {
  const program = new Command("openledger")
    .description("OpenLedger rollup: Proof of Attribution payouts proven with Groth16 and finalized on L1")
    .version(process.env.npm_package_version ?? "0.1.0")
    .showHelpAfterError()
    // A command's options are parsed by that command alone: `prover` and `prover attribute`
    // both take --rpc, and the one given after `attribute` is the subcommand's.
    .enablePositionalOptions()
    .exitOverride();
  program.addCommand(sequencerCommand());
  program.addCommand(keyCommand());
  program.addCommand(txCommand());
  program.addCommand(accountCommand());
  program.addCommand(devnetCommand());
  program.addCommand(proverCommand());
  program.addCommand(bridgeCommand());
  program.addCommand(govCommand());
  program.addCommand(grantsCommand());
  program.addCommand(snapshotCommand());
  program.addCommand(rebuildCommand());
  program.addCommand(explorerCommand());
  program.addCommand(storeCommand());
  program.addCommand(modelCommand());
  program.addCommand(datanetCommand());
  program.addCommand(contributeCommand());
  program.addCommand(grantCommand());
  program.addCommand(serveCommand());
  program.addCommand(inferCommand());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    // Typed errors (the protocol's and every component's) print as one line: the code and a
    // message that says what was wrong.
    if (err instanceof CodedError || err instanceof RpcCallError) {
      console.error(`error ${err.code}: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
