import { join } from "node:path";
import { DEV_BATCH_CIRCUIT, DEV_REWARD_CIRCUIT } from "../../contracts/deploy/config.ts";
import { devWallet } from "../../contracts/deploy/dev-accounts.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { nodeConfig } from "../../sequencer/config.ts";
import { startL1Sequencer } from "../commands/sequencer-l1.ts";
import type { DevnetService } from "./service.ts";

/**
 * The sequencer on the devnet: JSON-RPC two ports above the L1 (8547 by default), LevelDB in
 * `<data-dir>/sequencer`, each batch's data kept in the blob archive `<data-dir>/blob-archive`
 * (served at /archive/), sealed batches committed to the devnet's rollup by the L1 poster with
 * the dev sequencer key (signing locally: commits carry blobs), L1 deposits relayed into it as soon as
 * they are mined (the devnet's L1 does not reorganise). Tree sizes are the deployment's;
 * batches take the layout of the devnet's batch circuit, and the poster binds their commits to
 * it, so the prover can prove them.
 */
export const sequencerService: DevnetService = {
  name: "sequencer",
  async start(ctx) {
    const rollup = ctx.deployment.contracts.rollup;
    const { node, stop } = await startL1Sequencer(
      nodeConfig({
        dataDir: join(ctx.dataDir, "sequencer"),
        port: ctx.l1Port === 0 ? 0 : ctx.l1Port + 2,
        domain: { chainId: ctx.chainId, rollup },
        params: TEST_PARAMS,
        verifyWorkers: 1,
        batchMaxTxs: DEV_BATCH_CIRCUIT.shape.slots,
        batchWithdrawals: DEV_BATCH_CIRCUIT.shape.withdrawals,
        batchRegistrySlots: DEV_BATCH_CIRCUIT.shape.registrySlots,
        blobArchive: join(ctx.dataDir, "blob-archive"),
        // Settlements only where genesis named a treasury account and registered a reward verifier.
        ...(ctx.deployment.treasuryAccount !== undefined &&
          ctx.deployment.rewardCircuitId === DEV_REWARD_CIRCUIT.circuitId && {
            settlements: { treasuryAccount: ctx.deployment.treasuryAccount, shape: DEV_REWARD_CIRCUIT.shape },
          }),
      }),
      {
        l1Url: ctx.l1Url,
        rollup,
        signer: (provider) => devWallet(1).connect(provider),
        batchCircuitId: DEV_BATCH_CIRCUIT.circuitId,
        rewardCircuitId: ctx.deployment.rewardCircuitId,
        fromBlock: ctx.deployment.deployedAtBlock,
        confirmations: 0,
        pollMs: 500,
      },
      ctx.logger,
    );
    return { url: node.url, stop };
  },
};
