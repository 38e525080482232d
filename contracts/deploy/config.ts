import { verifierContractName } from "../../circuits/tools/solidity-verifier.ts";
import type { BatchShape } from "../../protocol/batch/layout.ts";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import { type ProtocolParams, TEST_PARAMS } from "../../protocol/params.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import { GENESIS_GOVERNANCE } from "../../protocol/genesis.ts";

/**
 * The batch circuit of the dev deployment (the devnet, test/e2e): its circuits/circuits.json
 * name, the id its verifier is registered under, and the batch layout it proves (what the
 * sequencer must post). Tiny TEST_PARAMS trees bound to DEV_DOMAIN; two account slots, one
 * withdrawal entry and one registry slot, the smallest layout that proves every transaction
 * type (74,723 constraints, 2^17).
 * The one place that names it.
 */
export const DEV_BATCH_CIRCUIT: { name: string; circuitId: number; shape: Required<BatchShape> } = {
  name: "batch_8x2_2tx_1reg",
  circuitId: 2,
  shape: { slots: 2, withdrawals: 1, registrySlots: 1 },
};

/**
 * The reward circuit of the dev deployment: the devnet registers its verifier for reward
 * epochs at genesis, its sequencer takes settlements of its lanes and its prover proves them.
 * The test trees' RewardSettlement of 2 inferences by 4 contributions (42,758 constraints, 2^16).
 */
export const DEV_REWARD_CIRCUIT: { name: string; circuitId: number; shape: SettlementShape } = {
  name: "reward_2x4",
  circuitId: 3,
  shape: { inferences: 2, contributions: 4 },
};

/** Everything a deployment is parameterised by; `devDeployConfig` gives tests and the devnet. */
export interface DeployConfig {
  /** Tree sizes: the rollup checks exits and withdrawals against these depths. */
  protocol: ProtocolParams;
  /** Genesis L2 parameters (part of the genesis state root). */
  governance: GovernanceParams;
  token: {
    /** Total OPEN supply in base units (18 decimals), minted once to `treasury`; below 2^96 (OpenToken refuses more). */
    supply: bigint;
    treasury: string;
  };
  /** The one address allowed to commit batches (it must also bond). */
  sequencer: string;
  /** L1 parameters; ranges and sizing in docs/contracts.md ("Threat model"). */
  l1: {
    /** Seconds a queued operation may wait before anyone can freeze (1 hour to 30 days). */
    queueDeadlineSeconds: bigint;
    /** Seconds a committed batch has to be proven (10 minutes to half the queue deadline). */
    proveTimeoutSeconds: bigint;
    /** Minimum seconds between consecutive queue deadlines: 1 / the sequencer's capacity. */
    queueIntervalSeconds: bigint;
    /** OPEN a deposit or forced withdrawal pays the treasury (at most 1,000 OPEN). */
    queueFee: bigint;
    minSequencerBond: bigint;
    minProverBond: bigint;
    proverRewardPerBatch: bigint;
    unbondDelaySeconds: bigint;
    /** Seconds after a freeze during which exits and claims are paid; then the treasury sweeps. */
    exitWindowSeconds: bigint;
  };
  dao: {
    votingDelayBlocks: bigint;
    votingPeriodBlocks: bigint;
    proposalThreshold: bigint;
    quorumPercent: bigint;
    timelockDelaySeconds: bigint;
  };
  /** The verifier contract (an artifact name) registered for batch proofs, and its circuit id. */
  batchVerifier: { contract: string; circuitId: number };
  /** A verifier registered at genesis for reward settlements (PURPOSE_REWARD_EPOCH), if any. */
  rewardVerifier?: { contract: string; circuitId: number };
  /**
   * The L2 account settlements pay the protocol share and dust to (docs/protocol.md §11.2),
   * if set at genesis. It must exist on L2 before the first settlement: the devnet opens it
   * with the first deposit.
   */
  treasuryAccount?: number;
}

export const OPEN = 10n ** 18n;

/**
 * Short delays and small bonds so a test or the devnet runs through proposals, deadlines and
 * unbonding in seconds. The batch verifier is DEV_BATCH_CIRCUIT's unless one is given (the
 * contract suites give a cheap stub). Its contract source is committed (contracts/verifiers;
 * the dev setup is deterministic), so deploying needs no proving key: the devnet builds those
 * while it runs.
 */
export function devDeployConfig(
  treasury: string,
  sequencer: string,
  batchVerifier: DeployConfig["batchVerifier"] = {
    contract: verifierContractName(DEV_BATCH_CIRCUIT.name),
    circuitId: DEV_BATCH_CIRCUIT.circuitId,
  },
): DeployConfig {
  return {
    protocol: TEST_PARAMS,
    // The sequencer's genesis parameters: both sides must start from the same state root.
    governance: GENESIS_GOVERNANCE,
    token: { supply: 1_000_000_000n * OPEN, treasury },
    sequencer,
    l1: {
      queueDeadlineSeconds: 3600n,
      proveTimeoutSeconds: 1800n,
      queueIntervalSeconds: 1n,
      // No fee on the devnet: its bridge and tests approve the deposit amount alone.
      queueFee: 0n,
      minSequencerBond: 10_000n * OPEN,
      minProverBond: 1_000n * OPEN,
      proverRewardPerBatch: 10n * OPEN,
      unbondDelaySeconds: 3600n,
      exitWindowSeconds: 7n * 86_400n,
    },
    dao: {
      votingDelayBlocks: 1n,
      votingPeriodBlocks: 10n,
      proposalThreshold: 0n,
      quorumPercent: 4n,
      timelockDelaySeconds: 60n,
    },
    batchVerifier,
  };
}
