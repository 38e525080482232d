import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { REPO_ROOT, VERIFIERS_DIR } from "../../circuits/tools/paths.ts";
import { verifierContractName } from "../../circuits/tools/solidity-verifier.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { DEV_BATCH_CIRCUIT, DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { SOLO } from "../../prover/node/assignment.ts";
import { createBackend } from "../../prover/node/backend.ts";
import { ProverNode } from "../../prover/node/node.ts";
import { SequencerRpcSource } from "../../prover/node/source.ts";
import { DEV_DOMAIN, GENESIS_GOVERNANCE } from "../../protocol/genesis.ts";
import { KeyBuild } from "./key-build.ts";
import { startAttributing } from "./prover-rewards.ts";
import type { DevnetContext, DevnetService, RunningService } from "./service.ts";

/**
 * The prover node on the devnet, as `openledger prover` runs it: batch proving
 * (`startBatchProving`) and, unless `rewards` is off (`openledger devnet --no-rewards`), the
 * attribution of reward epochs (`startAttributing`, ./prover-rewards.ts). Tests that attribute
 * without proving turn `batches` off: proving keys take minutes to build and both cores to use.
 */
export function proverServiceWith(o: {
  readonly batches: boolean;
  readonly rewards: boolean;
}): DevnetService {
  return {
    name: "prover",
    async start(ctx) {
      const parts: RunningService[] = [];
      try {
        if (o.batches) parts.push(await startBatchProving(ctx));
        if (o.rewards) parts.push(await startAttributing(ctx));
      } catch (err) {
        for (const part of parts) await part.stop();
        throw err;
      }
      return {
        about: parts.flatMap((p) => (p.about ? [p.about] : [])).join("; "),
        stop: async () => {
          for (const part of parts.reverse()) await part.stop();
        },
      };
    },
  };
}

export const proverService = proverServiceWith({ batches: true, rewards: true });

/**
 * Batch proving on the devnet: the dev prover key (bonded at deployment), the devnet's batch
 * circuit (DEV_BATCH_CIRCUIT, whose verifier the deployment registered), batches from the
 * sequencer's JSON-RPC, proofs submitted with proveBatch, so batches become final on L1; and,
 * where genesis registered DEV_REWARD_CIRCUIT's verifier, reward settlements proven with it
 * (proveSettlement). The proving keys are built in the background on first use (minutes on a
 * fresh clone; cached in build/ by content hash) while the rest of the devnet already runs;
 * progress is logged. Stopping ends the build or the proving process.
 */
async function startBatchProving(ctx: DevnetContext): Promise<RunningService> {
  const log = ctx.logger;
  const { circuitId, name, shape } = DEV_BATCH_CIRCUIT;
  const rollupAddress = ctx.deployment.contracts.rollup;
  if (ctx.deployment.batchCircuitId !== circuitId) {
    log.warn(
      { registered: ctx.deployment.batchCircuitId, expected: circuitId },
      `this devnet's rollup was deployed without the ${name} verifier: no batch will be proven (start with --fresh)`,
    );
    return { stop: async () => {} };
  }
  if (ctx.chainId !== DEV_DOMAIN.chainId || rollupAddress.toLowerCase() !== DEV_DOMAIN.rollup.toLowerCase()) {
    // The circuit binds DEV_DOMAIN (docs/protocol.md section 8): its proofs hold nowhere else.
    throw new Error(
      `${name} is built for chain ${DEV_DOMAIN.chainId} and rollup ${DEV_DOMAIN.rollup}, the devnet has ${ctx.chainId} and ${rollupAddress}`,
    );
  }
  const sequencerUrl = ctx.urls.get("sequencer");
  if (!sequencerUrl) throw new Error("the prover service needs the sequencer service started before it");
  const withRewards = ctx.deployment.rewardCircuitId === DEV_REWARD_CIRCUIT.circuitId;
  // The verifiers the deployment compiled; the built keys must be the ones they check.
  const deployed = new Map<string, string>();
  for (const circuit of withRewards ? [name, DEV_REWARD_CIRCUIT.name] : [name]) {
    deployed.set(
      circuit,
      await readFile(join(REPO_ROOT, VERIFIERS_DIR, `${verifierContractName(circuit)}.sol`), "utf8"),
    );
  }

  const stop = new AbortController();
  const progress = { progress: (line: string) => log.info(line) };
  const builds: KeyBuild[] = [];
  /** Builds `circuit`'s keys (one build at a time: each takes both cores) and checks them. */
  const keys = async (circuit: string) => {
    const build = new KeyBuild(circuit, progress);
    builds.push(build);
    const artifacts = await build.done;
    if ((await readFile(artifacts.verifierSol, "utf8")) !== deployed.get(circuit)) {
      log.error(
        { verifier: artifacts.verifierSol },
        `the ${circuit} keys do not match the verifier this devnet deployed (the circuit changed): start with --fresh`,
      );
      return undefined;
    }
    log.info(`${circuit} keys ready (${artifacts.constraints} constraints)`);
    return artifacts;
  };
  const provider = new JsonRpcProvider(ctx.l1Url, undefined, {
    staticNetwork: true,
    pollingInterval: 200,
    cacheTimeout: -1,
  });
  const backend = createBackend();
  const running = (async () => {
    const circuit = await keys(name);
    if (!circuit) return;
    const reward = withRewards ? await keys(DEV_REWARD_CIRCUIT.name) : undefined;
    log.info(`proving batches${reward ? " and reward settlements" : ""}`);
    const node = new ProverNode({
      genesis: {
        domain: { chainId: ctx.chainId, rollup: rollupAddress },
        params: TEST_PARAMS,
        governance: GENESIS_GOVERNANCE,
      },
      source: new SequencerRpcSource(`${sequencerUrl}/rpc`),
      rollup: new Contract(rollupAddress, ROLLUP_ABI, await provider.getSigner(ctx.accounts[2]!.address)),
      fromBlock: ctx.deployment.deployedAtBlock,
      backend,
      circuit: { wasm: circuit.wasm, zkey: circuit.zkey, circuitId, shape },
      ...(reward && {
        // The devnet's genesis method is knnShapley: the plain circuit, scores as given.
        rewardCircuit: {
          template: "RewardSettlement",
          wasm: reward.wasm,
          zkey: reward.zkey,
          circuitId: DEV_REWARD_CIRCUIT.circuitId,
          shape: DEV_REWARD_CIRCUIT.shape,
        },
      }),
      assignment: SOLO,
      log: (line) => log.info(line),
    });
    await node.run(stop.signal, 500);
  })().catch((err: unknown) => {
    if (!stop.signal.aborted) log.error({ err }, "the prover stopped");
  });
  return {
    about: `proves batches with ${name} (circuit id ${circuitId})${withRewards ? ` and settlements with ${DEV_REWARD_CIRCUIT.name} (circuit id ${DEV_REWARD_CIRCUIT.circuitId})` : ""} as account #2; key build progress in the log`,
    stop: async () => {
      stop.abort();
      for (const build of builds) await build.stop();
      await backend.close();
      await running;
      provider.destroy();
    },
  };
}
