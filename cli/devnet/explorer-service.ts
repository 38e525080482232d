import { startExplorer } from "../../explorer/server.ts";
import type { DevnetService } from "./service.ts";

/**
 * The block explorer on the devnet: three ports above the L1 (8548 by default), reading the
 * sequencer two ports above the L1 and the devnet's rollup from its deployment block. Its
 * URL is printed in the devnet summary.
 */
export const explorerService: DevnetService = {
  name: "explorer",
  async start(ctx) {
    if (ctx.l1Port === 0) {
      // The sequencer's port is only known by convention (L1 port + 2), not passed along.
      throw new Error("the explorer service needs a fixed L1 port: it finds the sequencer at L1 port + 2");
    }
    const explorer = await startExplorer({
      rpcUrl: `http://127.0.0.1:${ctx.l1Port + 2}/rpc`,
      l1: ctx.l1Url,
      rollup: ctx.deployment.contracts.rollup,
      fromBlock: ctx.deployment.deployedAtBlock,
      grantStreams: ctx.deployment.contracts.grantStreams,
      port: ctx.l1Port + 3,
      logger: ctx.logger,
    });
    return { url: explorer.url, stop: () => explorer.stop() };
  },
};
