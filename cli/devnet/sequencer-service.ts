import { join } from "node:path";
import { Contract, JsonRpcProvider } from "ethers";
import { L1QueueRelay } from "../../bridge/queue-relay.ts";
import { ROLLUP_ABI } from "../../contracts/client/rollup-abi.ts";
import { DEV_BATCH_CIRCUIT } from "../../contracts/deploy/config.ts";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { nodeConfig } from "../../sequencer/config.ts";
import { L1BatchPoster } from "../../sequencer/l1-poster.ts";
import { startNode } from "../../sequencer/node.ts";
import type { DevnetService } from "./services.ts";

/**
 * The sequencer on the devnet: JSON-RPC two ports above the L1 (8547 by default), LevelDB in
 * `<data-dir>/sequencer`, sealed batches committed to the devnet's rollup by the L1 poster with
 * the dev sequencer key (unlocked on the devnet L1), L1 deposits relayed into it as soon as
 * they are mined (the devnet's L1 does not reorganise). Tree sizes are the deployment's;
 * batches take the layout of the devnet's batch circuit, so the prover can prove them.
 */
export const sequencerService: DevnetService = {
  name: "sequencer",
  async start(ctx) {
    const provider = new JsonRpcProvider(ctx.l1Url, undefined, {
      staticNetwork: true,
      pollingInterval: 200,
      // ethers caches identical reads for 250 ms by default: a nonce read right after a send
      // would be stale.
      cacheTimeout: -1,
    });
    const signer = await provider.getSigner(ctx.accounts[1]!.address);
    const rollup = ctx.deployment.contracts.rollup;
    const poster = new L1BatchPoster({
      rollup,
      signer,
      fromBlock: ctx.deployment.deployedAtBlock,
      logger: ctx.logger,
    });
    const node = await startNode(
      nodeConfig({
        dataDir: join(ctx.dataDir, "sequencer"),
        port: ctx.l1Port === 0 ? 0 : ctx.l1Port + 2,
        domain: { chainId: ctx.chainId, rollup },
        params: TEST_PARAMS,
        verifyWorkers: 1,
        batchMaxTxs: DEV_BATCH_CIRCUIT.shape.slots,
        batchWithdrawals: DEV_BATCH_CIRCUIT.shape.withdrawals,
        batchRegistrySlots: DEV_BATCH_CIRCUIT.shape.registrySlots,
      }),
      ctx.logger,
      poster,
    );
    const relay = new L1QueueRelay({
      rollup: new Contract(rollup, ROLLUP_ABI, provider),
      sink: { queue: () => node.sequencer.state.queue, execute: (op) => node.sequencer.executeQueueOp(op) },
      fromBlock: ctx.deployment.deployedAtBlock,
      confirmations: 0,
      pollMs: 500,
      logger: ctx.logger,
    });
    relay.start();
    return {
      url: node.url,
      stop: async () => {
        await relay.stop();
        await node.stop();
        provider.destroy();
      },
    };
  },
};
