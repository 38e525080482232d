/**
 * Shared setup of the contract suites: the stub batch circuit (real Groth16 keys from the
 * circuit pipeline), the compiled contracts, and a fresh in-process EDR chain with the whole
 * system deployed by the deploy module, OPEN handed out and operators bonded.
 *
 * The stub is registered instead of the batch circuit because the suites need proofs of
 * arbitrary public inputs in milliseconds; it proves nothing about a batch. The devnet and
 * test/e2e register the real batch circuit (DEV_BATCH_CIRCUIT).
 */
import type { Contract, Signer } from "ethers";
import hre from "hardhat";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { proveGroth16, toSolidityProof } from "../../circuits/runtime/groth16-proof.ts";
import { proofWords } from "../client/proof-calldata.ts";
import { bondOperator, fundAccounts } from "../deploy/bootstrap.ts";
import { buildDeployArtifacts } from "../deploy/build.ts";
import { type DeployConfig, devDeployConfig, OPEN } from "../deploy/config.ts";
import { devWallet } from "../deploy/dev-accounts.ts";
import { type Deployment, deployOpenLedger } from "../deploy/deploy.ts";

/** A real Groth16 circuit whose one public signal is the batch's public input, and nothing else. */
export const BATCH_STUB_CIRCUIT = "batch_input_stub";
export const STUB_BATCH_VERIFIER: DeployConfig["batchVerifier"] = {
  contract: "BatchInputStubVerifier",
  circuitId: 1,
};

/** Builds the stub circuit (cached) and compiles the contracts, once across vitest workers. */
export async function prepareArtifacts(): Promise<CircuitArtifacts> {
  const circuit = await buildCircuit(BATCH_STUB_CIRCUIT, { log: () => {} });
  await buildDeployArtifacts();
  return circuit;
}

export interface System {
  ethers: Awaited<ReturnType<typeof hre.network.create>>["ethers"];
  /** The EVM rules of the chain (Hardhat's latest by default). */
  hardfork: string;
  config: DeployConfig;
  d: Deployment;
  circuit: CircuitArtifacts;
  deployer: Signer;
  sequencer: Signer;
  prover: Signer;
  alice: Signer;
  bob: Signer;
  /** The rollup, token and registry as seen by `signer`. */
  rollupAs(signer: Signer): Contract;
  tokenAs(signer: Signer): Contract;
}

export const USER_FUNDS = 1_000_000n * OPEN;

/** `adjust` changes the dev configuration (tree sizes for the gas benchmark, for instance). */
export async function deploySystem(
  circuit: CircuitArtifacts,
  adjust: (config: DeployConfig) => DeployConfig = (c) => c,
  hardfork?: string,
): Promise<System> {
  const connection = await hre.network.create(hardfork ? { override: { hardfork } } : undefined);
  const { ethers } = connection;
  // Wallets sign locally, as blob transactions (commitBatch) must be signed.
  const [deployer, sequencer, prover, alice, bob] = [0, 1, 2, 3, 4].map((i) =>
    devWallet(i).connect(ethers.provider),
  );
  const config = adjust(
    devDeployConfig(await deployer!.getAddress(), await sequencer!.getAddress(), STUB_BATCH_VERIFIER),
  );
  const d = await deployOpenLedger(deployer!, config);
  const users = await Promise.all([sequencer!, prover!, alice!, bob!].map((s) => s.getAddress()));
  await fundAccounts(d.token, deployer!, users, USER_FUNDS);
  await bondOperator(d.token, d.rollup, sequencer!, config.l1.minSequencerBond, false);
  await bondOperator(d.token, d.rollup, prover!, config.l1.minProverBond, true);
  return {
    ethers,
    hardfork: String(
      connection.networkConfig.type === "edr-simulated" ? connection.networkConfig.hardfork : "remote",
    ),
    config,
    d,
    circuit,
    deployer: deployer!,
    sequencer: sequencer!,
    prover: prover!,
    alice: alice!,
    bob: bob!,
    rollupAs: (s) => d.rollup.connect(s) as Contract,
    tokenAs: (s) => d.token.connect(s) as Contract,
  };
}

/** A real Groth16 proof of the stub circuit for `publicInput`, as proveBatch takes it. */
export async function proveStub(circuit: CircuitArtifacts, publicInput: bigint): Promise<bigint[]> {
  const { proof, publicSignals } = await proveGroth16(circuit, {
    publicInput: publicInput.toString(),
    blinding: "7",
  });
  return proofWords(toSolidityProof(proof, publicSignals));
}

/** Seconds forward on the chain, with a block mined so views see the new time. */
export async function advanceTime(system: System, seconds: bigint | number): Promise<void> {
  await system.ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await system.ethers.provider.send("evm_mine", []);
}

/** Impersonates the timelock (governance) and returns `c` as seen by it. */
export async function asTimelock(s: System, c: Contract): Promise<Contract> {
  const timelock = s.d.file.contracts.timelock;
  await s.ethers.provider.send("hardhat_impersonateAccount", [timelock]);
  await s.ethers.provider.send("hardhat_setBalance", [timelock, "0x56BC75E2D63100000"]);
  return c.connect(await s.ethers.getSigner(timelock)) as Contract;
}

/** The deployment's L1 parameters (ParamsRegistry.setL1Params' struct), with `overrides`. */
export function l1Params(s: System, overrides: Record<string, unknown> = {}) {
  return {
    queueDeadline: s.config.l1.queueDeadlineSeconds,
    sequencer: s.config.sequencer,
    minSequencerBond: s.config.l1.minSequencerBond,
    minProverBond: s.config.l1.minProverBond,
    proverRewardPerBatch: s.config.l1.proverRewardPerBatch,
    treasury: s.d.file.contracts.timelock,
    proveTimeout: s.config.l1.proveTimeoutSeconds,
    queueInterval: s.config.l1.queueIntervalSeconds,
    queueFee: s.config.l1.queueFee,
    ...overrides,
  };
}

/** Sets the L1 parameters as governance: the deployment's, with `overrides`. */
export async function setL1Params(s: System, overrides: Record<string, unknown> = {}): Promise<void> {
  const registry = await asTimelock(s, s.d.paramsRegistry);
  await (await registry.getFunction("setL1Params")(l1Params(s, overrides))).wait();
}

/** VerifierRegistry's purpose of reward settlement verifiers. */
export const PURPOSE_REWARD_EPOCH = 2;

/**
 * Lets the rollup take settlements, as governance: registers `verifier` (by default the
 * deployment's batch verifier, for suites that commit settlements without proving them with
 * the reward circuit) for reward settlements under `circuitId`, and names the treasury account.
 */
export async function enableSettlements(
  s: System,
  o: { circuitId: number; treasuryAccount?: number; verifier?: string },
): Promise<void> {
  const rollup = await asTimelock(s, s.d.rollup);
  const verifier = o.verifier ?? s.d.file.contracts.batchVerifier;
  await (await rollup.getFunction("setVerifier")(o.circuitId, verifier, PURPOSE_REWARD_EPOCH)).wait();
  if (o.treasuryAccount === undefined) return;
  const registry = await asTimelock(s, s.d.paramsRegistry);
  await (await registry.getFunction("setTreasuryAccount")(o.treasuryAccount)).wait();
}
