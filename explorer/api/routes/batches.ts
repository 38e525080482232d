import type { FastifyInstance } from "fastify";
import {
  type ExplorerContext,
  l1Batch,
  l1View,
  mapLimit,
  mustFind,
  newestFirst,
  txSummaries,
} from "../context.ts";
import type { L2Batch } from "../sequencer-source.ts";
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
        // Batch by batch rather than ol_listBatches: sealed batches are cached here, so a
        // refreshed page only asks for the batches sealed since, and ol_listBatches answers
        // pages near the head of a long chain with nothing (it reads from batch 1).
        const numbers = Array.from({ length: count }, (_, i) => start + count - 1 - i);
        const batches = (await mapLimit(numbers, 8, (n) => ctx.seq.batch(n))).filter(
          (b): b is L2Batch => b !== null,
        );
        return {
          total: head.sealedBatches,
          offset: req.query.offset,
          l1Error,
          items: batches.map((b) => ({
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
