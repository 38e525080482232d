import { type Contract, ContractFactory } from "ethers";
import { pino } from "pino";
import { DirectoryArchive } from "../../contracts/client/blob-archive.ts";
import { verifierContractName } from "../../circuits/tools/solidity-verifier.ts";
import { loadArtifact } from "../../contracts/deploy/artifacts.ts";
import { enableSettlements, type System } from "../../contracts/test/fixture.ts";
import type { BatchShape } from "../../protocol/batch/layout.ts";
import type { GovernanceParams } from "../../protocol/state/leaves.ts";
import type { RewardCircuit } from "../../prover/node/node.ts";
import { L1BatchPoster } from "../../sequencer/l1/l1-poster.ts";
import { L1ProverRegistry } from "../../sequencer/l1/prover-registry.ts";
import { type SequencerNode, startNode } from "../../sequencer/node.ts";
import { tempDir, testNodeConfig } from "../../sequencer/testing.ts";

/**
 * A sequencer that takes reward settlements, posting to a deployed test system: the reward
 * circuit's real verifier is deployed and registered for reward epochs, `treasuryAccount`
 * named on L1, and the sequencer started with the same treasury and the circuit's lanes;
 * keeping its batches' data in the blob archive directory `archive` if given.
 */
export async function startSettlingSequencer(o: {
  readonly s: System;
  readonly name: string;
  readonly governance: GovernanceParams;
  readonly layout: Required<BatchShape>;
  readonly batchCircuitId: number;
  readonly reward: RewardCircuit & { readonly name: string };
  readonly treasuryAccount: number;
  readonly archive?: string;
}): Promise<SequencerNode> {
  const { s, reward } = o;
  const artifact = await loadArtifact(verifierContractName(reward.name));
  const verifier = await new ContractFactory(artifact.abi, artifact.bytecode, s.deployer).deploy();
  await verifier.waitForDeployment();
  await enableSettlements(s, {
    circuitId: reward.circuitId,
    treasuryAccount: o.treasuryAccount,
    verifier: String(verifier.target),
  });
  const rollup = String(s.d.rollup.target);
  return startNode(
    testNodeConfig(tempDir(o.name), {
      governance: o.governance,
      batchMaxTxs: o.layout.slots,
      batchWithdrawals: o.layout.withdrawals,
      batchRegistrySlots: o.layout.registrySlots,
      settlements: { treasuryAccount: o.treasuryAccount, shape: reward.shape },
      blobArchive: o.archive,
    }),
    pino({ level: "warn" }),
    new L1BatchPoster({
      rollup,
      signer: s.sequencer,
      retryDelayMs: 50,
      batchCircuitId: o.batchCircuitId,
      rewardCircuitId: reward.circuitId,
      archive: o.archive === undefined ? undefined : new DirectoryArchive(o.archive),
    }),
    new L1ProverRegistry(rollup, s.ethers.provider),
  );
}

/** Waits (up to two minutes) until the rollup has committed entry `n`. */
export async function waitCommitted(rollup: Contract, n: bigint): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if ((await rollup.getFunction("head")()).lastCommitted >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`entry ${n} was not committed`);
}
