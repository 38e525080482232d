import { type Contract, id } from "ethers";
import type { Proposal } from "../client/operator-slash.ts";
import type { DeployConfig } from "../deploy/config.ts";

const VOTE_FOR = 1;
const SUCCEEDED = 4n;
const EXECUTED = 7n;

/**
 * Runs `p` through the Governor as the tests' one voter does: propose, vote for, queue, wait
 * out the timelock delay, execute. `governor` is connected to a signer holding (delegated)
 * votes above the quorum; `chain` is an ethers provider of a local EDR chain (mines, warps).
 */
export async function passProposal(
  governor: Contract,
  chain: { send(method: string, params: unknown[]): Promise<unknown> },
  dao: DeployConfig["dao"],
  p: Proposal,
): Promise<void> {
  const mine = (blocks: bigint) => chain.send("hardhat_mine", [`0x${blocks.toString(16)}`]);
  const args = [p.targets, p.values, p.calldatas] as const;
  await (await governor.getFunction("propose")(...args, p.description)).wait();
  const proposalId = await governor.getFunction("hashProposal")(...args, id(p.description));
  await mine(dao.votingDelayBlocks + 1n);
  await (await governor.getFunction("castVote")(proposalId, VOTE_FOR)).wait();
  await mine(dao.votingPeriodBlocks + 1n);
  const state = await governor.getFunction("state")(proposalId);
  if (state !== SUCCEEDED) throw new Error(`proposal ${proposalId} is in state ${state}, not Succeeded`);
  await (await governor.getFunction("queue")(...args, id(p.description))).wait();
  await chain.send("evm_increaseTime", [Number(dao.timelockDelaySeconds) + 1]);
  await (await governor.getFunction("execute")(...args, id(p.description))).wait();
  if ((await governor.getFunction("state")(proposalId)) !== EXECUTED) {
    throw new Error(`proposal ${proposalId} did not execute`);
  }
}
