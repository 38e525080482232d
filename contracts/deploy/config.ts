import { type GovernanceParams, type ProtocolParams, TEST_PARAMS } from "../../protocol/index.ts";
import { GENESIS_GOVERNANCE } from "../../sequencer/config.ts";

/** Everything a deployment is parameterised by; `devDeployConfig` gives tests and the devnet. */
export interface DeployConfig {
  /** Tree sizes: the rollup checks exits and withdrawals against these depths. */
  protocol: ProtocolParams;
  /** Genesis L2 parameters (part of the genesis state root). */
  governance: GovernanceParams;
  token: {
    /** Total OPEN supply in base units (18 decimals), minted once to `treasury`. */
    supply: bigint;
    treasury: string;
  };
  /** The one address allowed to commit batches (it must also bond). */
  sequencer: string;
  l1: {
    queueDeadlineSeconds: bigint;
    minSequencerBond: bigint;
    minProverBond: bigint;
    proverRewardPerBatch: bigint;
    unbondDelaySeconds: bigint;
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
}

export const OPEN = 10n ** 18n;

/**
 * Short delays and small bonds so a test or the devnet runs through proposals, deadlines and
 * unbonding in seconds. The batch verifier is the stub circuit's (it proves nothing about a
 * batch): the real batch circuit's keys take minutes to build, so only test/e2e registers it.
 */
export function devDeployConfig(treasury: string, sequencer: string): DeployConfig {
  return {
    protocol: TEST_PARAMS,
    // The sequencer's genesis parameters: both sides must start from the same state root.
    governance: GENESIS_GOVERNANCE,
    token: { supply: 1_000_000_000n * OPEN, treasury },
    sequencer,
    l1: {
      queueDeadlineSeconds: 3600n,
      minSequencerBond: 10_000n * OPEN,
      minProverBond: 1_000n * OPEN,
      proverRewardPerBatch: 10n * OPEN,
      unbondDelaySeconds: 3600n,
    },
    dao: {
      votingDelayBlocks: 1n,
      votingPeriodBlocks: 10n,
      proposalThreshold: 0n,
      quorumPercent: 4n,
      timelockDelaySeconds: 60n,
    },
    batchVerifier: { contract: "BatchInputStubVerifier", circuitId: 1 },
  };
}
