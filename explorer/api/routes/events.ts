import type { FastifyInstance } from "fastify";
import type { ChainWatcher } from "../chain-watch.ts";

/** Comment lines that keep idle connections open through proxies. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /events: server-sent events, one per change of an entry's status, named by the new
 * status (`sealed`, `committed`, `proven`, `final`) with the entry as JSON data. Every client
 * shares the one watcher.
 */
export function eventRoutes(watcher: ChainWatcher) {
  return async (app: FastifyInstance) => {
    app.get(
      "/events",
      {
        schema: {
          description:
            "Server-sent events (text/event-stream): `sealed`, `committed`, `proven`, `final`, " +
            "each with `{ number, kind, status, epoch }` of the entry whose status changed.",
          produces: ["text/event-stream"],
        },
      },
      (req, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        });
        reply.raw.write("retry: 2000\n\n");
        const unsubscribe = watcher.subscribe((e) =>
          reply.raw.write(`event: ${e.status}\ndata: ${JSON.stringify(e)}\n\n`),
        );
        const heartbeat = setInterval(() => reply.raw.write(": \n\n"), HEARTBEAT_MS);
        req.raw.on("close", () => {
          clearInterval(heartbeat);
          unsubscribe();
        });
      },
    );
  };
}
