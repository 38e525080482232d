import { Command, InvalidArgumentError } from "commander";
import { isAddress } from "ethers";
import { pino } from "pino";
import { readDeploymentFile } from "../../contracts/deploy/addresses.ts";
import { intArg, rpcOption, stopOnSignal } from "./common.ts";

function addressArg(value: string): string {
  if (!isAddress(value)) throw new InvalidArgumentError("expected a 0x address of 20 bytes");
  return value;
}

/** `openledger explorer`: the block explorer's read API and web UI, until SIGINT/SIGTERM. */
export function explorerCommand(): Command {
  return rpcOption(new Command("explorer"))
    .description("serve the block explorer: web UI and its read API (/api), from the sequencer and L1")
    .option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .option("--rollup <address>", "L1 rollup contract address", addressArg)
    .option(
      "--deployment <file>",
      "deployment file (rollup, grant streams and deployment block) instead of --rollup",
    )
    .option(
      "--grant-streams <address>",
      "L1 grant streams factory, for the governance page's grants",
      addressArg,
    )
    .option("--from-block <n>", "first L1 block with rollup events (the deployment block)", intArg)
    .option(
      "--l1-tx-url <prefix>",
      "L1 block explorer prefix for transaction links, e.g. https://etherscan.io/tx/",
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free one)", intArg, 8548)
    .option("--pretty", "human-readable logs instead of JSON lines", false)
    .action(async (o, cmd: Command) => {
      const deployment = o.deployment ? await readDeploymentFile(o.deployment) : undefined;
      const rollup: string | undefined = o.rollup ?? deployment?.contracts.rollup;
      if (!rollup) cmd.error("error: give the rollup: --rollup <address> or --deployment <file>");
      const logger = o.pretty ? pino({ transport: { target: "pino-pretty" } }) : pino();
      // Loaded here: the other commands need neither fastify's explorer routes nor the UI files.
      const { startExplorer } = await import("../../explorer/server.ts");
      const explorer = await startExplorer({
        rpcUrl: o.rpc,
        l1: o.l1,
        rollup,
        fromBlock: o.fromBlock ?? deployment?.deployedAtBlock,
        grantStreams: o.grantStreams ?? deployment?.contracts.grantStreams,
        l1TxUrl: o.l1TxUrl,
        host: o.host,
        port: o.port,
        logger,
      });
      logger.info({ url: explorer.url, rollup }, "explorer listening");
      stopOnSignal(() => explorer.stop());
    });
}
