import { Command } from "commander";
import { pino } from "pino";
import pretty from "pino-pretty";
import { intArg } from "./common.ts";

/** `openledger devnet`: the local L1 with the contracts deployed, until Ctrl-C. */
export function devnetCommand(): Command {
  return new Command("devnet")
    .description(
      "run a local L1 (Hardhat EDR) with OPEN, the rollup and governance deployed and dev accounts funded, and the sequencer, store, explorer, inference node and prover (batches and reward epochs) over it",
    )
    .option("--host <host>", "address the L1 JSON-RPC listens on", "127.0.0.1")
    .option("--port <port>", "L1 JSON-RPC port", intArg, 8545)
    .option(
      "--data-dir <dir>",
      "where the chain journal and the deployment file are kept",
      ".openledger/devnet",
    )
    .option("--fresh", "discard the saved chain and deploy again", false)
    .option(
      "--users <n>",
      "user accounts funded with OPEN, besides deployer, sequencer and prover",
      intArg,
      7,
    )
    .option(
      "--no-rewards",
      "the prover proves batches only: it attributes no reward epochs (as `openledger prover --no-rewards`)",
    )
    .option("--json-logs", "JSON log lines instead of readable ones", false)
    .action(async (o) => {
      // Synchronous pretty-printing on stderr: no worker thread to outlive Ctrl-C.
      const logger = o.jsonLogs
        ? pino(pino.destination(2))
        : pino(pretty({ destination: 2, sync: true, translateTime: "HH:MM:ss", ignore: "pid,hostname" }));
      // Loaded here: Hardhat reads its config at import, which only this command needs.
      const { startDevnet } = await import("../devnet/devnet.ts");
      const { devnetSummary } = await import("../devnet/summary.ts");
      const { devnetServices } = await import("../devnet/services.ts");
      let devnet: Awaited<ReturnType<typeof startDevnet>>;
      try {
        devnet = await startDevnet(
          {
            host: o.host,
            port: o.port,
            dataDir: o.dataDir,
            fresh: o.fresh,
            users: o.users,
            logger,
          },
          devnetServices({ rewards: o.rewards }),
        );
      } catch (err) {
        logger.error({ err }, "the devnet did not start");
        process.exit(1);
      }
      console.log(devnetSummary(devnet));
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await devnet.stop();
        process.exit(0);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
}
