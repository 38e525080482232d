import { Command, InvalidArgumentError, Option } from "commander";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { buildCircuit } from "../../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { loadArtifact } from "../../contracts/deploy/artifacts.ts";
import { DEV_BATCH_CIRCUIT, DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import { GENESIS_GOVERNANCE, PARAM_SETS } from "../../protocol/genesis.ts";
import { checkAssignment } from "../../prover/node/assignment.ts";
import { createBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { buildRewardCircuit, rewardShape } from "../../prover/node/reward-circuit.ts";
import { EpochAttributor } from "../../prover/epochs/attributor.ts";
import { storeSources } from "../../prover/epochs/sources.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import {
  chainOptions,
  domainFrom,
  ethKeyOptions,
  intArg,
  loadEthWallet,
  openWallet,
  output,
  rpcOption,
  type WalletOptions,
} from "./common.ts";
import { epochProgress } from "./epoch-progress.ts";
import { replayCommand } from "./prover-replay.ts";

/** `openledger prover`: proves sealed batches and finalizes them on L1 until SIGINT/SIGTERM. */
export function proverCommand(): Command {
  return ethKeyOptions(rpcOption(chainOptions(new Command("prover"))))
    .enablePositionalOptions()
    .addCommand(attributeCommand())
    .addCommand(replayCommand())
    .description(
      "run a prover node: witnesses from the sequencer's entries, Groth16 proofs of batches (proveBatch) and, with --reward-circuit, of reward settlements (proveSettlement) on L1",
    )
    .option("--l1 <url>", "L1 JSON-RPC endpoint", "http://127.0.0.1:8545")
    .option("--circuit <name>", "batch circuit (circuits/circuits.json)", DEV_BATCH_CIRCUIT.name)
    .option(
      "--circuit-id <id>",
      "id its verifier is registered under in the rollup",
      intArg,
      DEV_BATCH_CIRCUIT.circuitId,
    )
    .option("--slots <n>", "account slots of the circuit", intArg, DEV_BATCH_CIRCUIT.shape.slots)
    .option(
      "--withdrawals <n>",
      "withdrawal entries of the circuit",
      intArg,
      DEV_BATCH_CIRCUIT.shape.withdrawals,
    )
    .option(
      "--registry-slots <n>",
      "registry slots of the circuit",
      intArg,
      DEV_BATCH_CIRCUIT.shape.registrySlots,
    )
    .option(
      "--reward-circuit <name>",
      "RewardSettlement circuit to prove settlement entries with (e.g. reward_2x4); without it they are replayed and left to other provers",
    )
    .option(
      "--reward-circuit-id <id>",
      "id the reward circuit's verifier is registered under for reward epochs (with --reward-circuit)",
      intArg,
    )
    .option("--params <set>", "tree sizes", "test")
    .option("--ptau <file>", "production keys: a Powers-of-Tau ceremony file (default: INSECURE dev setup)")
    .option("--native-prover <path>", "rapidsnark-style prover binary: <bin> <zkey> <wtns> <proof> <public>")
    .option("--index <n>", "this node's index among the prover nodes", intArg, 0)
    .option("--of <n>", "number of prover nodes splitting the batches", intArg, 1)
    .option("--takeover <seconds>", "prove any batch left unproven this long", intArg, 600)
    .action(async (o) => {
      const logger = pino();
      const build = { ptau: o.ptau, log: (line: string) => logger.info(line) };
      if ((o.rewardCircuit === undefined) !== (o.rewardCircuitId === undefined)) {
        throw new InvalidArgumentError("--reward-circuit and --reward-circuit-id go together");
      }
      const circuit = await buildCircuit(o.circuit, build);
      const rewardCircuit =
        o.rewardCircuit === undefined
          ? undefined
          : await buildRewardCircuit(o.rewardCircuit, o.rewardCircuitId, build);
      const provider = new JsonRpcProvider(o.l1);
      const signer = loadEthWallet(o).connect(provider);
      const rollup = new Contract(o.rollup, (await loadArtifact("Rollup")).abi, signer);
      const backend = createBackend(o.nativeProver);
      const node = new ProverNode({
        genesis: { domain: domainFrom(o), params: PARAM_SETS[o.params]!, governance: GENESIS_GOVERNANCE },
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
        assignment: checkAssignment({ index: o.index, of: o.of, takeoverSeconds: o.takeover }),
        log: (line) => logger.info(line),
      });
      const stop = new AbortController();
      for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
      logger.info(
        `prover ${o.index}/${o.of} on ${backend.name}, circuit ${o.circuit} (${circuit.constraints} constraints)${rewardCircuit ? `, settlements with ${o.rewardCircuit}` : ""}`,
      );
      await node.run(stop.signal);
      await backend.close();
      await terminateSnarkjsCurve();
      provider.destroy();
    });
}

interface AttributeOptions extends Omit<WalletOptions, "fee"> {
  readonly store: string;
  readonly epoch?: number;
  readonly follow: boolean;
  readonly from: number;
  readonly rewardCircuit: string;
}

/**
 * `openledger prover attribute`: runs the Proof of Attribution over closed reward epochs and
 * submits their settlements to the sequencer, signed by this prover's L2 account (its L1
 * address must be a bonded prover). Models, rows and inputs come from the store, which must
 * hold this key's grants; each is checked against the chain (docs/protocol.md §11.6).
 */
function attributeCommand(): Command {
  return ethKeyOptions(chainOptions(rpcOption(new Command("attribute"))))
    .option(
      "--account <id>",
      "the prover's L2 account id (default: the one your key's deposit opened)",
      intArg,
    )
    .addOption(
      new Option("--params <set>", "tree sizes of the deployment (the devnet's are test)")
        .choices(Object.keys(PARAM_SETS))
        .default("production"),
    )
    .description("attribute closed reward epochs and submit their settlements (docs/protocol.md §11.6)")
    .option(
      "--store <url>",
      "the store holding the rows, models and inference records",
      "http://127.0.0.1:8549",
    )
    .option("--epoch <n>", "attribute this epoch once and exit", intArg)
    .option("--follow", "attribute each epoch as it closes, until SIGINT/SIGTERM", false)
    .option("--from <n>", "with --follow: the first epoch", intArg, 0)
    .option(
      "--reward-circuit <name>",
      "the RewardSettlement circuit the sequencer proves settlements with: its lanes size each settlement",
      DEV_REWARD_CIRCUIT.name,
    )
    .action(async (o: AttributeOptions, cmd: Command) => {
      if ((o.epoch === undefined) === !o.follow) cmd.error("error: give either --epoch <n> or --follow");
      const logger = pino();
      const [{ StoreClient }, { StoreKey }] = await Promise.all([
        import("../../store/client.ts"),
        import("../../store/identity.ts"),
      ]);
      const wallet = await openWallet({ ...o, fee: "0" });
      const store = new StoreClient(o.store, new StoreKey(wallet.key.privateKey));
      const attributor = new EpochAttributor({
        provider: wallet.provider,
        sources: storeSources({ provider: wallet.provider, params: wallet.params }, store),
        key: wallet.key.privateKey,
        proverAccount: wallet.account,
        domain: wallet.domain,
        shape: await rewardShape(o.rewardCircuit),
        log: (line) => logger.info(line),
      });
      const progress = epochProgress((line) => logger.info(line));
      try {
        if (o.epoch !== undefined) {
          const report = await attributor.settle(o.epoch, { progress: progress.update });
          output(false, report, () =>
            report.settled.length === 0
              ? `epoch ${o.epoch}: nothing to settle`
              : report.settled
                  .map(
                    (j) =>
                      `model ${j.model}: inferences ${j.inferences.join(",")} settled as entry ${j.result.entry}, ${j.result.paid} paid`,
                  )
                  .join("\n"),
          );
        } else {
          const stop = new AbortController();
          for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
          await attributor.follow(stop.signal, o.from, undefined, progress.update);
        }
      } finally {
        progress.stop();
        store.close();
      }
    });
}
