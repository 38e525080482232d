import type { FastifyInstance } from "fastify";
import { type ExplorerContext, l1Batch, l1View, mustFind, newestFirst, txSummaries } from "../context.ts";
import {
  batchDetail,
  batchSummary,
  idParams,
  l1Error as l1ErrorSchema,
  listOf,
  type Page,
  pageQuery,
  txList,
} from "../schemas.ts";

/** GET /batches (newest first), /batches/:number and /batches/:number/transactions. */
export function batchRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Page }>(
      "/batches",
      {
        schema: {
          querystring: pageQuery,
          response: { 200: listOf(batchSummary, { l1Error: l1ErrorSchema }) },
        },
      },
      async (req) => {
        const [head, { l1, l1Error }] = await Promise.all([ctx.seq.head(), l1View(ctx)]);
        const { start, count } = newestFirst(head.sealedBatches, req.query.offset, req.query.limit);
        const batches = count > 0 ? await ctx.seq.listBatches(start, count) : [];
        return {
          total: head.sealedBatches,
          offset: req.query.offset,
          l1Error,
          items: batches.reverse().map((b) => ({
            number: b.number,
            sealedAt: b.sealedAt,
            txCount: b.txHashes.length,
            withdrawalCount: b.withdrawals.length,
            postStateRoot: b.postStateRoot,
            feesCredited: b.feesCredited,
            l1: l1Batch(l1, b),
          })),
        };
      },
    );

    app.get<{ Params: { number: number } }>(
      "/batches/:number",
      { schema: { params: idParams("number"), response: { 200: batchDetail } } },
      async (req) => {
        const n = req.params.number;
        const [b, { l1, l1Error }] = await Promise.all([
          mustFind(ctx.seq.batch(n), `batch ${n}`),
          l1View(ctx),
        ]);
        return { ...b, txCount: b.txHashes.length, l1: l1Batch(l1, b), l1Error };
      },
    );

    app.get<{ Params: { number: number }; Querystring: Page }>(
      "/batches/:number/transactions",
      { schema: { params: idParams("number"), querystring: pageQuery, response: { 200: txList } } },
      async (req) => {
        const n = req.params.number;
        const b = await mustFind(ctx.seq.batch(n), `batch ${n}`);
        const { offset, limit } = req.query;
        return {
          total: b.txHashes.length,
          offset,
          transactions: await txSummaries(ctx, b.txHashes.slice(offset, offset + limit)),
        };
      },
    );
  };
}
