import type { FastifyInstance } from "fastify";
import type { ExplorerContext } from "../context.ts";
import { ExplorerError } from "../errors.ts";
import { governanceReply } from "../schemas.ts";

/** GET /governance: the parameters L2 applies now; L1's parameters, proposals and grants, or why not. */
export function governanceRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get("/governance", { schema: { response: { 200: governanceReply } } }, async () => {
      const [l2, l1] = await Promise.all([
        ctx.seq.governance(),
        ctx.governance.read().then(
          (v) => ({ v, error: null }),
          (e: unknown) => {
            if (e instanceof ExplorerError) return { v: null, error: e.message };
            throw e;
          },
        ),
      ]);
      return { l2, l1: l1.v, l1Error: l1.error };
    });
  };
}
