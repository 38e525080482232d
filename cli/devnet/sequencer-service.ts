import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { TEST_PARAMS } from "../../protocol/params.ts";
import { nodeConfig } from "../../sequencer/config.ts";
import { L1BatchPoster } from "../../sequencer/l1-poster.ts";
import { startNode } from "../../sequencer/node.ts";
import type { DevnetService } from "./services.ts";

/**
 * The sequencer on the devnet: JSON-RPC two ports above the L1 (8547 by default), LevelDB in
 * `<data-dir>/sequencer`, sealed batches committed to the devnet's rollup by the L1 poster with
 * the dev sequencer key (unlocked on the devnet L1). Tree sizes are the deployment's.
 */
export const sequencerService: DevnetService = {
  name: "sequencer",
  async start(ctx) {
    const provider = new JsonRpcProvider(ctx.l1Url, undefined, { staticNetwork: true, pollingInterval: 200 });
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
      }),
      ctx.logger,
      poster,
    );
    return {
      url: node.url,
      stop: async () => {
        await node.stop();
        provider.destroy();
      },
    };
  },
};
