import { join } from "node:path";
import { startStore } from "../../store/server.ts";
import type { DevnetService } from "./service.ts";

/**
 * The encrypted content-addressed store on the devnet: four ports above the L1 (8549 by
 * default, or a free port when the L1's is), its blobs and index in the devnet's data
 * directory. Its URL is printed in the devnet summary.
 */
export const storeService: DevnetService = {
  name: "store",
  async start(ctx) {
    const store = await startStore({
      dataDir: join(ctx.dataDir, "store"),
      port: ctx.l1Port === 0 ? 0 : ctx.l1Port + 4,
      logger: ctx.logger,
    });
    return { url: store.url, stop: () => store.stop() };
  },
};
