import { Contract, type ContractRunner } from "ethers";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import type { ProverRegistry } from "../core/settlements.ts";

/** Bonded provers as the rollup contract knows them: `operators(address).prover`, read at each call. */
export class L1ProverRegistry implements ProverRegistry {
  private readonly rollup: Contract;

  constructor(rollup: string, runner: ContractRunner) {
    this.rollup = new Contract(rollup, ROLLUP_ABI, runner);
  }

  async isProver(l1Address: string): Promise<boolean> {
    const op = (await this.rollup.getFunction("operators")(l1Address)) as { prover: boolean };
    return op.prover;
  }
}
