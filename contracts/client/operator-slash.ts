import { Contract, type ContractRunner, id, Interface } from "ethers";
import { INFERENCE_OPERATORS_ABI } from "./inference-operators.ts";

const ROLLUP = new Interface(["function slashBond(address operator, uint128 amount)"]);
const OPERATORS = new Interface(INFERENCE_OPERATORS_ABI);
const GOVERNOR_ABI = [
  "function propose(address[] targets, uint256[] values, bytes[] calldatas, string description) returns (uint256)",
  "function hashProposal(address[] targets, uint256[] values, bytes[] calldatas, bytes32 descriptionHash) view returns (uint256)",
] as const;

/** One governance proposal: what the Governor's propose, queue and execute take. */
export interface Proposal {
  readonly targets: string[];
  readonly values: bigint[];
  readonly calldatas: string[];
  readonly description: string;
}

/**
 * The proposal that slashes a compute operator (docs/contracts.md, "Compute operators"): the
 * rollup's `slashBond` takes up to `amount` of its bond to the treasury, then
 * `InferenceOperators.recordSlash` records the evidence (the L2 inference and the EIP-712
 * digest of the operator's attestation) and delists it. One timelock operation: both or neither.
 */
export function operatorSlashProposal(o: {
  rollup: string;
  operators: string;
  operator: string;
  amount: bigint;
  inference: number;
  attestation: string;
}): Proposal {
  return {
    targets: [o.rollup, o.operators],
    values: [0n, 0n],
    calldatas: [
      ROLLUP.encodeFunctionData("slashBond", [o.operator, o.amount]),
      OPERATORS.encodeFunctionData("recordSlash", [o.operator, o.inference, o.attestation]),
    ],
    description: `Slash compute operator ${o.operator} by ${o.amount}: inference ${o.inference}, attestation ${o.attestation}`,
  };
}

/** Submits `p` to the Governor as `proposer` (who needs the proposal threshold); returns its id. */
export async function submitProposal(
  governor: string,
  proposer: ContractRunner,
  p: Proposal,
): Promise<bigint> {
  const g = new Contract(governor, GOVERNOR_ABI, proposer);
  await (await g.getFunction("propose")(p.targets, p.values, p.calldatas, p.description)).wait();
  return (await g.getFunction("hashProposal")(p.targets, p.values, p.calldatas, id(p.description))) as bigint;
}
