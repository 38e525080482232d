import { Command, InvalidArgumentError, Option } from "commander";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import { pino } from "pino";
import { PARAM_SETS } from "../../protocol/genesis.ts";
import { DEFAULT_STATE_CACHE_NODES } from "../../sequencer/core/config.ts";
import { nodeConfig } from "../../sequencer/config.ts";
import { startNode } from "../../sequencer/node.ts";
import { chainOptions, domainFrom, intArg, loadEthWallet, stopOnSignal } from "./common.ts";
import { startL1Sequencer } from "./sequencer-l1.ts";

/** `openledger sequencer`: runs the sequencer node until SIGINT/SIGTERM. */
export function sequencerCommand(): Command {
  return chainOptions(new Command("sequencer"))
    .description("run the sequencer: JSON-RPC at POST /rpc, batches sealed into LevelDB")
    .option("--data-dir <dir>", "LevelDB directory", "data/sequencer")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free one)", intArg, 8547)
    .addOption(
      new Option("--params <set>", "tree sizes").choices(Object.keys(PARAM_SETS)).default("production"),
    )
    .option("--batch-max-txs <n>", "seal a batch when it holds this many transactions", intArg, 512)
    .option(
      "--batch-withdrawals <n>",
      "withdrawals per batch (the batch circuit's entries; 0 refuses withdrawals)",
      intArg,
      16,
    )
    .option(
      "--batch-registry-slots <n>",
      "registry transactions per batch (the batch circuit's registry slots; 0 refuses them)",
      intArg,
      16,
    )
    .option("--batch-interval-ms <ms>", "seal the open batch this often", intArg, 2000)
    .option("--min-fee <amount>", "smallest fee accepted, in base units", "0")
    .option("--fee-recipient <account>", "account credited with batch fees", intArg, 1)
    .option("--verify-workers <n>", "signature-checking worker threads (0: main thread)", intArg, 2)
    .option("--rate-limit <calls>", "JSON-RPC calls per second per client", intArg, 500)
    .option("--body-limit <bytes>", "largest HTTP request body", intArg, 1024 * 1024)
    .option(
      "--state-cache-nodes <n>",
      "state tree nodes kept in memory beyond those of the batch being written (the rest are read from LevelDB)",
      intArg,
      DEFAULT_STATE_CACHE_NODES,
    )
    .option("--rpc-deposits", "accept ol_submitDeposit (devnet and tests only)", false)
    .option(
      "--treasury-account <account>",
      "L2 account of the treasury (ParamsRegistry.treasuryAccount on L1): accept reward settlements (with --l1 and --reward-circuit)",
      intArg,
    )
    .option(
      "--reward-circuit <id:NxC>",
      "the reward circuit settlements are committed for: its L1 circuit id, N inferences by C contributions (e.g. 3:2x4)",
    )
    .option("--l1 <url>", "L1 JSON-RPC endpoint: post sealed entries to the rollup and relay its deposits")
    .option(
      "--blob-archive <dir>",
      "keep each posted batch's data there (with --l1) and serve it at /archive/, for rebuilds from L1 after the blobs expire (openledger rebuild)",
    )
    .option(
      "--l1-key-env <name>",
      "environment variable holding the bonded sequencer's L1 private key (with --l1)",
      "OPENLEDGER_SEQUENCER_KEY",
    )
    .option(
      "--l1-key-file <path>",
      "file holding the sequencer's L1 private key (instead of the environment)",
    )
    .option(
      "--l1-batch-circuit <id>",
      "id of the batch circuit registered on L1 for this layout: commits are bound to it (required with --l1)",
      intArg,
    )
    .option("--l1-from-block <n>", "first L1 block to scan: the rollup's deployment block", intArg, 0)
    .option(
      "--l1-confirmations <n>",
      "L1 confirmations before a deposit is relayed and a batch commit counts as posted",
      intArg,
      2,
    )
    .option("--l1-poll-ms <ms>", "how often the L1 deposit queue is polled", intArg, 2000)
    .option(
      "--no-fsync",
      "answer once a write is in LevelDB's log, without fsync: survives the process being killed, not the machine",
    )
    .option("--pretty", "human-readable logs instead of JSON lines", false)
    .action(async (o, cmd: Command) => {
      if (o.l1 && o.l1BatchCircuit === undefined) {
        cmd.error("error: --l1 needs --l1-batch-circuit <id>: the L1 circuit id of this batch layout");
      }
      const logger = o.pretty ? pino({ transport: { target: "pino-pretty" } }) : pino();
      const reward = o.rewardCircuit === undefined ? undefined : rewardCircuitArg(o.rewardCircuit);
      const config = nodeConfig({
        dataDir: o.dataDir,
        host: o.host,
        port: o.port,
        domain: domainFrom(o),
        params: PARAM_SETS[o.params]!,
        batchMaxTxs: o.batchMaxTxs,
        batchWithdrawals: o.batchWithdrawals,
        batchRegistrySlots: o.batchRegistrySlots,
        batchIntervalMs: o.batchIntervalMs,
        minFee: BigInt(o.minFee),
        feeRecipient: o.feeRecipient,
        verifyWorkers: o.verifyWorkers,
        fsync: o.fsync,
        stateCacheNodes: o.stateCacheNodes,
        ratePerSecond: o.rateLimit,
        bodyLimitBytes: o.bodyLimit,
        rpcDeposits: o.rpcDeposits,
        blobArchive: o.blobArchive,
        settlements:
          o.treasuryAccount !== undefined && reward
            ? { treasuryAccount: o.treasuryAccount, shape: reward.shape }
            : undefined,
      });
      const node = o.l1
        ? await startL1Sequencer(
            config,
            {
              l1Url: o.l1,
              rollup: o.rollup,
              signer: (provider) =>
                loadEthWallet({ ethKeyEnv: o.l1KeyEnv, ethKeyFile: o.l1KeyFile }).connect(provider),
              batchCircuitId: o.l1BatchCircuit,
              fromBlock: o.l1FromBlock,
              confirmations: o.l1Confirmations,
              pollMs: o.l1PollMs,
              rewardCircuitId: reward?.circuitId,
            },
            logger,
          )
        : await startNode(config, logger);
      stopOnSignal(async () => {
        logger.info("stopping: sealing the open batch");
        await node.stop();
      });
    });
}

/** `<id>:<N>x<C>`: a reward circuit's L1 id and its lanes. */
function rewardCircuitArg(v: string): { circuitId: number; shape: SettlementShape } {
  const m = /^(\d+):(\d+)x(\d+)$/.exec(v);
  if (!m)
    throw new InvalidArgumentError(`--reward-circuit takes <id>:<inferences>x<contributions>, got ${v}`);
  return { circuitId: Number(m[1]), shape: { inferences: Number(m[2]), contributions: Number(m[3]) } };
}
