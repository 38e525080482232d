import { Command } from "commander";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { buildCircuit } from "../../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { loadArtifact } from "../../contracts/deploy/artifacts.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import { GENESIS_GOVERNANCE, PARAM_SETS } from "../../protocol/genesis.ts";
import { firstUnsettledEpoch } from "../../prover/epochs/first-unsettled.ts";
import { checkAssignment } from "../../prover/node/assignment.ts";
import { createBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { buildRewardCircuit } from "../../prover/node/reward-circuit.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { OpenLedgerProvider } from "../../sdk/provider.ts";
import {
  batchLayoutOptions,
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  nodeGenesis,
  output,
  paramsOption,
  rpcOption,
} from "./common.ts";
import { epochProgress } from "./epoch-progress.ts";
import { replayCommand } from "./prover-replay.ts";
import { loadSnapshotWithProgress, SNAPSHOT_HELP } from "./snapshot.ts";
import {
  type OpenedAttributor,
  openAttributor,
  type RewardOptions,
  rewardOptions,
} from "./prover-rewards.ts";

/** Ends the message of a reward option the node cannot do without. */
const NO_REWARDS_HINT = "; or run with --no-rewards to prove batches only";

/**
 * `openledger prover`: proves sealed entries and finalizes them on L1, and (unless
 * --no-rewards) attributes each reward epoch as it closes and submits its settlements, until
 * SIGINT/SIGTERM.
 */
export function proverCommand(): Command {
  return batchLayoutOptions(rewardOptions(ethKeyOptions(rpcOption(chainOptions(new Command("prover"))))))
    .enablePositionalOptions()
    .addCommand(attributeCommand())
    .addCommand(replayCommand())
    .description(
      "run a prover node: Groth16 proofs of the sequencer's batches (proveBatch) and, with --reward-circuit-id, of reward settlements (proveSettlement) on L1; and, unless --no-rewards, the Proof of Attribution over each reward epoch as it closes, from the first one left unsettled, its settlements signed by this key's L2 account (docs/protocol.md §11.6)",
    )
    .option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .option("--circuit <name>", "batch circuit (circuits/circuits.json)", DEV_BATCH_CIRCUIT.name)
    .option(
      "--circuit-id <id>",
      "id its verifier is registered under in the rollup",
      intArg,
      DEV_BATCH_CIRCUIT.circuitId,
    )
    .option(
      "--reward-circuit-id <id>",
      "also prove settlement entries with --reward-circuit, whose verifier is registered under this id for reward epochs (without it they are replayed and left to other provers)",
      intArg,
    )
    .option("--no-rewards", "prove only: attribute no epochs (needs no L2 account and no store)")
    .addOption(paramsOption())
    .option("--ptau <file>", "production keys: a Powers-of-Tau ceremony file (default: INSECURE dev setup)")
    .option("--native-prover <path>", "rapidsnark-style prover binary: <bin> <zkey> <wtns> <proof> <public>")
    .option("--index <n>", "this node's index among the prover nodes", intArg, 0)
    .option("--of <n>", "number of prover nodes splitting the batches", intArg, 1)
    .option("--takeover <seconds>", "prove any batch left unproven this long", intArg, 600)
    .option("--snapshot <url|file>", SNAPSHOT_HELP)
    .action(async (o) => {
      const logger = pino();
      const log = (line: string) => logger.info(line);
      // Before any key build: a node that cannot attribute says so at once.
      const rewards = o.rewards ? await openAttributor(o as RewardOptions, log, NO_REWARDS_HINT) : undefined;
      try {
        await runNode(o, log, rewards);
      } finally {
        rewards?.close();
      }
    });
}

/** The options of `openledger prover` that the batch prover takes. */
interface NodeOptions {
  readonly l1: string;
  readonly rpc: string;
  readonly chainId: string;
  readonly rollup: string;
  readonly ethKeyEnv: string;
  readonly ethKeyFile?: string;
  readonly circuit: string;
  readonly circuitId: number;
  readonly slots: number;
  readonly withdrawals: number;
  readonly registrySlots: number;
  readonly rewardCircuit: string;
  readonly rewardCircuitId?: number;
  readonly params?: string;
  readonly ptau?: string;
  readonly nativeProver?: string;
  readonly index: number;
  readonly of: number;
  readonly takeover: number;
  readonly snapshot?: string;
}

/** Builds the circuits and runs the batch prover and the attributor (if any) until a signal. */
async function runNode(
  o: NodeOptions,
  log: (line: string) => void,
  rewards: OpenedAttributor | undefined,
): Promise<void> {
  const build = { ptau: o.ptau, log };
  const circuit = await buildCircuit(o.circuit, build);
  const rewardCircuit =
    o.rewardCircuitId === undefined
      ? undefined
      : await buildRewardCircuit(o.rewardCircuit, o.rewardCircuitId, build);
  const provider = new JsonRpcProvider(o.l1);
  const signer = loadEthWallet(o).connect(provider);
  const rollup = new Contract(o.rollup, (await loadArtifact("Rollup")).abi, signer);
  const backend = createBackend(o.nativeProver);
  try {
    // The genesis the sequencer serves: a wrong one gives another genesis root, which L1 refuses.
    const genesis = o.params
      ? { domain: domainFrom(o), params: PARAM_SETS[o.params]!, governance: GENESIS_GOVERNANCE }
      : await nodeGenesis(new OpenLedgerProvider(o.rpc), o);
    const node = new ProverNode({
      genesis,
      source: new SequencerRpcSource(o.rpc),
      rollup,
      backend,
      circuit: {
        wasm: circuit.wasm,
        zkey: circuit.zkey,
        circuitId: o.circuitId,
        shape: { slots: o.slots, withdrawals: o.withdrawals, registrySlots: o.registrySlots },
      },
      ...(rewardCircuit && { rewardCircuit }),
      // A RewardSettlementTracin circuit's witness reads the rows the attributor reads.
      ...(rewards && { sources: rewards.attributor.sources }),
      assignment: checkAssignment({ index: o.index, of: o.of, takeoverSeconds: o.takeover }),
      log,
      ...(o.snapshot !== undefined && {
        start: () => loadSnapshotWithProgress(o.snapshot!, provider, o.rollup),
      }),
    });
    const stop = new AbortController();
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
    const from = rewards ? await firstUnsettledEpoch(rewards.wallet.provider) : 0;
    log(
      `prover ${o.index}/${o.of} on ${backend.name}, circuit ${o.circuit} (${circuit.constraints} constraints)${rewardCircuit ? `, settlements with ${o.rewardCircuit}` : ""}; ${rewards ? `attributing epochs from ${from} as L2 account ${rewards.wallet.account}` : "not attributing epochs (--no-rewards)"}`,
    );
    // Either loop failing stops the other: the node does both or neither.
    const progress = epochProgress(log);
    const loops = [
      node.run(stop.signal),
      rewards?.attributor.follow(stop.signal, from, undefined, progress.update),
    ].map((loop) =>
      Promise.resolve(loop).catch((e: unknown) => {
        stop.abort();
        throw e;
      }),
    );
    const failed = (await Promise.allSettled(loops)).find((r) => r.status === "rejected");
    progress.stop();
    if (failed) throw failed.reason;
  } finally {
    await backend.close();
    await terminateSnarkjsCurve();
    provider.destroy();
  }
}

/**
 * `openledger prover attribute --epoch N`: one run of the Proof of Attribution over closed
 * epoch N (and every record left unsettled before it, docs/protocol.md §11.1), its
 * settlements submitted to the sequencer signed by this prover's L2 account (its L1 address
 * must be a bonded prover). `openledger prover` does the same for each epoch as it closes.
 */
function attributeCommand(): Command {
  return rewardOptions(ethKeyOptions(chainOptions(rpcOption(new Command("attribute")))))
    .addOption(paramsOption())
    .description("attribute one closed reward epoch and submit its settlements (docs/protocol.md §11.6)")
    .requiredOption("--epoch <n>", "the epoch", intArg)
    .option("--json", "print JSON", false)
    .action(async (o: RewardOptions & { epoch: number; json: boolean }) => {
      const logger = pino();
      const { attributor, close } = await openAttributor(o, (line) => logger.info(line));
      const progress = epochProgress((line) => logger.info(line));
      try {
        const report = await attributor.settle(o.epoch, { progress: progress.update });
        output(o.json, report, () =>
          report.settled.length === 0
            ? `epoch ${o.epoch}: nothing to settle`
            : report.settled
                .map(
                  (j) =>
                    `model ${j.model}: inferences ${j.inferences.join(",")} settled as entry ${j.result.entry}, ${j.result.paid} paid`,
                )
                .join("\n"),
        );
      } finally {
        progress.stop();
        close();
      }
    });
}
