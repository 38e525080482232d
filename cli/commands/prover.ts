import { Command, InvalidArgumentError } from "commander";
import { Contract, JsonRpcProvider } from "ethers";
import { pino } from "pino";
import { buildCircuit } from "../../circuits/tools/artifacts.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import { loadArtifact } from "../../contracts/deploy/artifacts.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import { GENESIS_GOVERNANCE, PARAM_SETS } from "../../protocol/genesis.ts";
import { checkAssignment } from "../../prover/node/assignment.ts";
import { createBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { buildRewardCircuit } from "../../prover/node/reward-circuit.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { chainOptions, domainFrom, ethKeyOptions, intArg, loadEthWallet, rpcOption } from "./common.ts";

/** `openledger prover`: proves sealed batches and finalizes them on L1 until SIGINT/SIGTERM. */
export function proverCommand(): Command {
  return ethKeyOptions(rpcOption(chainOptions(new Command("prover"))))
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
