/**
 * Reward settlement benchmark (issue 14): one settlement of N inferences of a model trained on
 * C contributions, scored by the real attribution engine on MNIST, applied by the TypeScript
 * twin and proven with the reward circuit. Prints constraints, attribution, witness and proving
 * times and the constraints per (inference, contribution) pair. Progress on stderr; the last
 * stdout line is one JSON object, also written to bench/results/ (file named below).
 *   npm run bench:rewards -- [--quick] [--circuit NAME] [--help]
 * The default circuit is reward_16x64 (16 inferences, 64 contributions: the size, on
 * small trees, docs/circuits.md says which); --quick takes reward_2x4. The result goes to
 * bench/results/rewards.json (default), rewards-quick.json (--quick) or rewards-NAME.json.
 * The production trees at 16 x 64 are derived from their parts in docs/circuits.md: circom2
 * cannot compile them within WebAssembly's 4 GB.
 */
import { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { verifyGroth16 } from "../circuits/runtime/groth16-proof.ts";
import { terminateSnarkjsCurve } from "../circuits/runtime/snarkjs-curve.ts";
import { buildCircuit } from "../circuits/tools/artifacts.ts";
import { getCircuitSpec } from "../circuits/tools/registry.ts";
import { attribute } from "../prover/attribution/engine.ts";
import { payableScores } from "../prover/attribution/settlement-scores.ts";
import { dealContributions } from "../prover/datasets/contributions.ts";
import { splitBySizes } from "../prover/datasets/dataset.ts";
import { loadMnist } from "../prover/datasets/mnist.ts";
import { trainModel } from "../prover/models/pipeline.ts";
import { DEFAULT_TRAIN } from "../prover/models/train.ts";
import { SnarkjsBackend } from "../prover/node/backend.ts";
import type { ProtocolParams } from "../protocol/params.ts";
import { RewardLedger } from "../protocol/rewards/testing.ts";
import { buildSettlementWitness } from "../protocol/rewards/witness.ts";
import { TEST_PROVER } from "../protocol/testing.ts";

const options = new Command("bench:rewards")
  .description("prove one reward settlement of MNIST contributions scored by KNN-Shapley")
  .option("--quick", "reward_2x4 instead of reward_16x64")
  .option("--circuit <name>", "a RewardSettlement circuit of circuits/circuits.json")
  .parse()
  .opts<{ quick?: boolean; circuit?: string }>();
const quick = options.quick === true;
const circuitName = options.circuit ?? (quick ? "reward_2x4" : "reward_16x64");
const log = (line: string) => process.stderr.write(`[bench:rewards] ${line}\n`);
const SEED = "openledger/bench/rewards";
const ROWS_PER_CONTRIBUTION = 20;
const METHOD = "knnShapley";

// RewardSettlement(N, C, ACC_ARITY, ACC_DEPTH, REG_ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_T).
const spec = await getCircuitSpec(circuitName);
if (spec.template !== "RewardSettlement" || spec.params.length !== 9) {
  throw new Error(`${circuitName} is not a RewardSettlement circuit`);
}
const [N, C, accArity, accDepth, regArity, depthC, depthM, depthI, depthT] = spec.params.map(Number) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const params: ProtocolParams = {
  accounts: { arity: accArity, depth: accDepth },
  contributions: { arity: regArity, depth: depthC },
  models: { arity: regArity, depth: depthM },
  inferences: { arity: regArity, depth: depthI },
  // Settlements never open the Datanets tree: any shape.
  datanets: { arity: regArity, depth: 2 },
  trainingSet: { arity: regArity, depth: depthT },
  withdrawalsDepth: 4,
};
log(`${circuitName}: ${N} inferences x ${C} contributions; building its keys (cached after the first run)`);
const circuit = await buildCircuit(circuitName, { log, verifiersDir: null });

log(`training a small MLP on ${C * ROWS_PER_CONTRIBUTION} MNIST rows dealt to ${C} contributions`);
const [train, test] = splitBySizes(loadMnist(), [C * ROWS_PER_CONTRIBUTION, N], SEED);
const rows = dealContributions(train!, C, SEED);
const model = trainModel(train!, { ...DEFAULT_TRAIN, epochs: 2, seed: SEED }, 1e-2);
const training = Array.from({ length: C }, (_, j) => j + 1);

log(`attributing ${N} inferences with ${METHOD}`);
const attributionStarted = performance.now();
const scores = Array.from({ length: N }, (_, i) => {
  const x = test!.x.slice(i * test!.dim, (i + 1) * test!.dim);
  return payableScores(attribute(METHOD, model.bytes, rows, { x }), training);
});
const attributionSeconds = (performance.now() - attributionStarted) / 1000;

// The chain: 16 contributors (fewer when C is smaller) hold the C contributions round-robin.
const ledger = new RewardLedger({ witness: true, params });
const owners = Array.from({ length: Math.min(16, C) }, () => ledger.account());
const user = ledger.account(undefined, 2n * BigInt(N) * 10n ** 18n);
const [modelOwner, prover, treasury] = [ledger.account(), ledger.account(TEST_PROVER), ledger.account()];
training.forEach((_, j) => ledger.contribute(owners[j % owners.length]!, BigInt(j + 1)));
const modelId = ledger.model(modelOwner!, training);
const inferences = Array.from({ length: N }, (_, i) =>
  ledger.infer(user, modelId, (1000n + 7n * BigInt(i)) * 10n ** 15n),
);
const end = ledger.closeEpoch(treasury!);
const settlement = {
  epoch: 0,
  model: modelId,
  inferences,
  scores,
  proverAccount: prover!,
  treasuryAccount: treasury!,
};
const w = buildSettlementWitness(ledger.state, settlement, end, { inferences: N, contributions: C });

log("proving");
const backend = new SnarkjsBackend();
const r = await backend.prove({ wasm: circuit.wasm, zkey: circuit.zkey, input: w.input });
const loadAverage = loadavg()[0]!;
await backend.close();
if (
  BigInt(r.publicSignals[0]!) !== w.publicInput ||
  !(await verifyGroth16(circuit, r.proof, r.publicSignals))
) {
  throw new Error("the benchmark's proof does not verify against the TypeScript public input");
}
await terminateSnarkjsCurve();

const result = {
  circuit: circuitName,
  constraints: circuit.constraints,
  inferences: N,
  contributionsPerModel: C,
  // Everything over N·C, fixed costs included; the marginal cost of a pair is in docs/circuits.md.
  constraintsPerPairAllIn: Math.round(circuit.constraints / (N * C)),
  dim: rows.dim,
  method: METHOD,
  attributionSeconds: Number(attributionSeconds.toFixed(3)),
  witnessSeconds: Number(r.witnessSeconds.toFixed(3)),
  proveSeconds: Number(r.proveSeconds.toFixed(3)),
  peakRssMb: r.peakRssMb,
  paid: w.receipt.paid.toString(),
  cores: cpus().length,
  // The cores are shared: the 1-minute load average as the proof ends (its own threads are about 2 of it).
  loadAverage: Number(loadAverage.toFixed(1)),
  cpu: cpus()[0]?.model,
  quick,
};
mkdirSync("bench/results", { recursive: true });
const file = options.circuit ? `rewards-${circuitName}` : quick ? "rewards-quick" : "rewards";
writeFileSync(`bench/results/${file}.json`, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
