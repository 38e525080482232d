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

/**
 * GET /batches (newest first), /batches/:number and /batches/:number/transactions. Entries of
 * both kinds: a reward settlement is listed with its `kind`, what it paid and no transaction.
 */
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
            kind: b.kind,
            number: b.number,
            sealedAt: b.sealedAt,
            // A settlement carries no transaction, withdrawal or fee.
            txCount: b.kind === "settlement" ? 0 : b.txHashes.length,
            withdrawalCount: b.kind === "settlement" ? 0 : b.withdrawals.length,
            postStateRoot: b.postStateRoot,
            feesCredited: b.kind === "settlement" ? "0" : b.feesCredited,
            paid: b.kind === "settlement" ? b.paid : null,
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
        const txCount = b.kind === "settlement" ? 0 : b.txHashes.length;
        return { ...b, txCount, l1: l1Batch(l1, b), l1Error };
      },
    );

    app.get<{ Params: { number: number }; Querystring: Page }>(
      "/batches/:number/transactions",
      { schema: { params: idParams("number"), querystring: pageQuery, response: { 200: txList } } },
      async (req) => {
        const n = req.params.number;
        const b = await mustFind(ctx.seq.batch(n), `batch ${n}`);
        const hashes = b.kind === "settlement" ? [] : b.txHashes;
        const { offset, limit } = req.query;
        return {
          total: hashes.length,
          offset,
          transactions: await txSummaries(ctx, hashes.slice(offset, offset + limit)),
        };
      },
    );
  };
}
