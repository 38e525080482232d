import { Interface } from "ethers";
import { INFERENCE_OPERATORS_ABI } from "./inference-operators.ts";

const ROLLUP = new Interface(["function slashBond(address operator, uint128 amount)"]);
const OPERATORS = new Interface(INFERENCE_OPERATORS_ABI);

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
