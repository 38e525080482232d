import { Command } from "commander";
import { Contract, JsonRpcProvider } from "ethers";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import { CodedError } from "../../protocol/errors.ts";
import { deriveL2Key } from "../../protocol/keys.ts";
import { rewardShape } from "../../prover/node/reward-circuit.ts";
import { l1Settlements } from "../../prover/epochs/l1-settlements.ts";
import { replayExitCode } from "../../prover/epochs/replay.ts";
import { replayTable } from "../../prover/epochs/replay-table.ts";
import { replayEpoch } from "../../prover/epochs/replayer.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { OpenLedgerProvider, RpcCallError } from "../../sdk/provider.ts";
import {
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  output,
  paramsFor,
  paramsOption,
  rpcOption,
  STORE_URL,
} from "./common.ts";
import { phase } from "./progress.ts";

interface ReplayOptions {
  readonly epoch: number;
  readonly rpc: string;
  readonly l1: string;
  readonly fromBlock: number;
  readonly chainId: string;
  readonly rollup: string;
  readonly store: string;
  readonly rewardCircuit: string;
  readonly params?: string;
  readonly ethKeyEnv: string;
  readonly ethKeyFile?: string;
  readonly keyIndex: number;
  readonly json: boolean;
}

/**
 * `openledger prover replay --epoch N`: recomputes an epoch's payable scores from the store's
 * hash-checked data and checks, per inference, the scores L1 published, and per settlement,
 * that they hash to the commitment L1 holds (docs/protocol.md §11.7). Exit code 0: everything
 * matches; 1: a MISMATCH; 2: the replay could not run, or some inference could not be replayed.
 */
export function replayCommand(): Command {
  return ethKeyOptions(chainOptions(rpcOption(new Command("replay"))))
    .description(
      "replay a reward epoch's attribution and check each published score and scores commitment bit for bit (exit 0 match, 1 mismatch, 2 error)",
    )
    .requiredOption("--epoch <n>", "the epoch to replay", intArg)
    .option(
      "--l1 <url>",
      "L1 JSON-RPC endpoint: the settlements are read from the rollup's events and calldata",
      "http://127.0.0.1:8545",
    )
    .option("--from-block <n>", "first L1 block to search for the epoch's settlements", intArg, 0)
    .option(
      "--store <url>",
      "the store holding the rows, models and inference records (your key needs grants)",
      STORE_URL,
    )
    .option(
      "--reward-circuit <name>",
      "the RewardSettlement circuit the settlements were committed for: its lanes pad the scores commitment",
      DEV_REWARD_CIRCUIT.name,
    )
    .addOption(paramsOption())
    .option("--json", "print the report as JSON", false)
    .action(async (o: ReplayOptions) => {
      try {
        process.exitCode = await replay(o);
      } catch (e) {
        const coded = e instanceof CodedError || e instanceof RpcCallError;
        console.error(coded ? `error ${e.code}: ${e.message}` : `error: ${(e as Error).message}`);
        process.exitCode = 2;
      }
    });
}

async function replay(o: ReplayOptions): Promise<number> {
  const [{ StoreClient }, { StoreKey }] = await Promise.all([
    import("../../store/client.ts"),
    import("../../store/identity.ts"),
  ]);
  const key = await deriveL2Key(loadEthWallet(o), domainFrom(o), o.keyIndex);
  const provider = new OpenLedgerProvider(o.rpc);
  const l1 = new JsonRpcProvider(o.l1);
  const store = new StoreClient(o.store, new StoreKey(key.privateKey));
  const bar = phase(`epoch ${o.epoch}`, "inferences");
  try {
    const rollup = new Contract(o.rollup, ROLLUP_ABI, l1);
    const report = await replayEpoch(o.epoch, {
      provider,
      sources: storeSources({ provider, params: await paramsFor(provider, o) }, store),
      published: (epoch) => l1Settlements(rollup, epoch, o.fromBlock),
      shape: await rewardShape(o.rewardCircuit),
      progress: (done, total, inference) => bar.update(done, total, `inference ${inference}`),
    });
    bar.stop();
    output(o.json, report, () => replayTable(report));
    return replayExitCode(report);
  } finally {
    bar.stop();
    store.close();
    l1.destroy();
  }
}
