import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** The deployment as written to JSON: what the sequencer, bridge, prover and explorer read. */
export interface DeploymentFile {
  chainId: string;
  deployer: string;
  /** First block to scan for the rollup's events. */
  deployedAtBlock: number;
  genesisStateRoot: string;
  accountsDepth: number;
  withdrawalsDepth: number;
  batchCircuitId: number;
  /** The reward circuit registered at genesis for reward epochs, if any. */
  rewardCircuitId?: number;
  /** The L2 account reward settlements credit the protocol share to (ParamsRegistry.treasuryAccount), if set at genesis. */
  treasuryAccount?: number;
  /** `contractSourcesHash()` when deployed: a saved devnet from other sources is not resumed. */
  sourcesHash: string;
  contracts: {
    token: string;
    timelock: string;
    governor: string;
    paramsRegistry: string;
    rollup: string;
    batchVerifier: string;
    poseidonT3: string;
    poseidonT4: string;
    poseidonT5: string;
    poseidonT6: string;
    poseidonT9: string;
    /** Data contracts holding PoseidonT9's partial-round constants (contracts/tools/poseidon-library.ts). */
    poseidonT9Data0: string;
    poseidonT9Data1: string;
    /** Folds a reward settlement's public input (contracts/rollup/lib/SettlementInput.sol). */
    settlementInput: string;
    /** Folds a batch's commitment (contracts/rollup/lib/BatchCommitment.sol). */
    batchCommitment: string;
    rewardVerifier?: string;
    /** The compute operators' list (contracts/inference/InferenceOperators.sol). */
    inferenceOperators: string;
    /** Creates the treasury's grant streams (contracts/governance/GrantStreams.sol). */
    grantStreams: string;
  };
}

/** Writes atomically (temp file + rename), so a reader never sees half a file. */
export async function writeDeploymentFile(path: string, deployment: DeploymentFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(deployment, null, 2)}\n`);
  await rename(tmp, path);
}

export async function readDeploymentFile(path: string): Promise<DeploymentFile> {
  return JSON.parse(await readFile(path, "utf8")) as DeploymentFile;
}
