import { Contract, type ContractRunner } from "ethers";

/** The InferenceOperators contract's ABI (contracts/inference/InferenceOperators.sol), as fragments. */
export const INFERENCE_OPERATORS_ABI = [
  "function list()",
  "function delist(address operator)",
  "function recordSlash(address operator, uint64 inference, bytes32 attestation)",
  "function isListed(address operator) view returns (bool)",
  "function listed() view returns (address[])",
  "function served(address operator) view returns (bool)",
  "event OperatorListed(address indexed operator, uint256 bond)",
  "event OperatorDelisted(address indexed operator)",
  "event OperatorSlashed(address indexed operator, uint64 indexed inference, bytes32 attestation, uint256 bondLeft)",
  "error NotGovernance()",
  "error NotBonded(address operator, uint256 bond, uint256 minimum)",
  "error AlreadyListed(address operator)",
  "error NotListed(address operator)",
  "error StillBonded(address operator)",
  "error NeverServed(address operator)",
  "error NoEvidence()",
] as const;

/** The compute operators as L1 lists them: read at each call. */
export class InferenceOperatorList {
  readonly contract: Contract;

  constructor(address: string, runner: ContractRunner) {
    this.contract = new Contract(address, INFERENCE_OPERATORS_ABI, runner);
  }

  /** Whether `operator` is listed and its rollup bond backs it now. */
  async isListed(operator: string): Promise<boolean> {
    return (await this.contract.getFunction("isListed")(operator)) as boolean;
  }

  /** Whether `operator` was ever listed: its attestations are then evidence against its bond. */
  async served(operator: string): Promise<boolean> {
    return (await this.contract.getFunction("served")(operator)) as boolean;
  }

  /** Every listed operator whose bond still backs it. */
  async listed(): Promise<string[]> {
    const all = (await this.contract.getFunction("listed")()) as string[];
    const backed = await Promise.all(all.map((a) => this.isListed(a)));
    return all.filter((_, i) => backed[i]);
  }
}
