import { Contract, type Provider } from "ethers";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import type { FinalitySource } from "../finalized/follower.ts";

/**
 * The last entry L1 finalized, read `confirmations` blocks deep: a proof that an L1 reorg
 * could still take back does not advance the finalized state (docs/protocol.md §8.3).
 */
export class L1Finality implements FinalitySource {
  private readonly rollup: Contract;

  constructor(
    rollup: string,
    private readonly provider: Provider,
    private readonly confirmations: number,
  ) {
    this.rollup = new Contract(rollup, ROLLUP_ABI, provider);
  }

  async lastFinalized(): Promise<number> {
    const head = await this.provider.getBlockNumber();
    const blockTag = Math.max(0, head - this.confirmations);
    return Number(await this.rollup.getFunction("lastFinalizedBatch")({ blockTag }));
  }
}
