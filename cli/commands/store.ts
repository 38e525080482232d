import { Command } from "commander";
import { pino } from "pino";
import { intArg } from "./common.ts";

/**
 * `openledger store`: the encrypted content-addressed store for rows, models and inference
 * inputs (docs/store.md), until SIGINT/SIGTERM.
 */
export function storeCommand(): Command {
  const serve = new Command("serve")
    .description("serve the store's HTTP API (the default subcommand)")
    .option("--data-dir <dir>", "blobs and LevelDB index", "data/store")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0 picks a free one)", intArg, 8549)
    .option("--max-chunk-mib <n>", "largest upload chunk one request may carry", intArg, 16)
    .option("--pretty", "human-readable logs instead of JSON lines", false)
    .action(async (o) => {
      const logger = o.pretty ? pino({ transport: { target: "pino-pretty" } }) : pino();
      // Loaded here: the other commands need neither fastify's store routes nor LevelDB.
      const { startStore } = await import("../../store/server.ts");
      const { DEFAULT_LIMITS } = await import("../../store/service.ts");
      const store = await startStore({
        dataDir: o.dataDir,
        host: o.host,
        port: o.port,
        limits: { ...DEFAULT_LIMITS, maxChunkBytes: o.maxChunkMib * 2 ** 20 },
        logger,
      });
      logger.info({ url: store.url, dataDir: o.dataDir }, "store listening");
      const stop = async () => {
        await store.stop();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  return new Command("store")
    .description("the encrypted content-addressed store for rows, models and inference inputs")
    .addCommand(serve, { isDefault: true });
}
