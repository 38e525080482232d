import type { FastifyError, FastifyInstance } from "fastify";
import type { ChainWatcher } from "./chain-watch.ts";
import type { ExplorerContext } from "./context.ts";
import { ExplorerError, ExplorerErrorCode, errorReplySchema } from "./errors.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { batchRoutes } from "./routes/batches.ts";
import { chainRoutes } from "./routes/chain.ts";
import { eventRoutes } from "./routes/events.ts";
import { governanceRoutes } from "./routes/governance.ts";
import { registryRoutes } from "./routes/registries.ts";
import { relationRoutes } from "./routes/relations.ts";
import { rewardRoutes } from "./routes/rewards.ts";
import { transactionRoutes } from "./routes/transactions.ts";

/**
 * The read API, meant to be registered under a prefix (`/api`). Every failure is answered
 * as `{ error: { code, message } }`: schema refusals as INVALID_QUERY, unknown routes and
 * missing entries as NOT_FOUND, upstream failures as SEQUENCER_UNAVAILABLE or L1_UNAVAILABLE.
 */
export function explorerApi(ctx: ExplorerContext, watcher: ChainWatcher) {
  return async (app: FastifyInstance) => {
    // Every route declares its failure replies too: they are serialized, and documented, by schema.
    app.addHook("onRoute", (route) => {
      const schema = (route.schema ??= {});
      schema.response = { "4xx": errorReplySchema, "5xx": errorReplySchema, ...(schema.response ?? {}) };
    });
    app.setErrorHandler((err: FastifyError, req, reply) => {
      if (err instanceof ExplorerError) {
        if (err.statusCode >= 500) ctx.logger?.warn({ err, url: req.url }, err.message);
        return reply.code(err.statusCode).send({ error: { code: err.code, message: err.message } });
      }
      if (err.validation) {
        return reply.code(400).send({
          error: {
            code: ExplorerErrorCode.InvalidQuery,
            message: `invalid ${err.validationContext}: ${err.message}`,
          },
        });
      }
      ctx.logger?.error({ err, url: req.url }, "explorer request failed");
      return reply.code(500).send({ error: { code: ExplorerErrorCode.Internal, message: "internal error" } });
    });
    // A route, not a not-found handler: the UI's catch-all would otherwise answer /api/... with HTML.
    app.all("/*", { schema: { hide: true } }, async (req, reply) =>
      reply.code(404).send({
        error: { code: ExplorerErrorCode.NotFound, message: `no API route ${req.method} ${req.url}` },
      }),
    );
    // Pages change with every batch: browsers and proxies must ask again.
    app.addHook("onSend", async (_req, reply) => {
      reply.header("cache-control", "no-store");
    });
    await app.register(chainRoutes(ctx));
    await app.register(batchRoutes(ctx));
    await app.register(transactionRoutes(ctx));
    await app.register(accountRoutes(ctx));
    await app.register(registryRoutes(ctx));
    await app.register(rewardRoutes(ctx));
    await app.register(relationRoutes(ctx));
    await app.register(governanceRoutes(ctx));
    await app.register(eventRoutes(watcher));
  };
}
