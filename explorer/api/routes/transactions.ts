import type { FastifyInstance } from "fastify";
import { type ExplorerContext, l1Batch, l1View, mustFind } from "../context.ts";
import { hashParams, txDetail } from "../schemas.ts";

/** GET /transactions/:hash: decoded fields, receipt, and its batch's L1 status. */
export function transactionRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { hash: string } }>(
      "/transactions/:hash",
      { schema: { params: hashParams, response: { 200: txDetail } } },
      async (req) => {
        const hash = req.params.hash.toLowerCase();
        const t = await mustFind(ctx.seq.transaction(hash), `transaction ${hash}`);
        const receipt = t.status === "queued" ? null : await ctx.seq.receipt(hash);
        const batch = t.status === "sealed" && t.batch !== null ? await ctx.seq.batch(t.batch) : null;
        const { l1, l1Error } = batch ? await l1View(ctx) : { l1: null, l1Error: null };
        return { ...t, receipt, l1: batch ? l1Batch(l1, batch) : null, l1Error };
      },
    );
  };
}
