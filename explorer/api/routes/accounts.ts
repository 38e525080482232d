import type { FastifyInstance } from "fastify";
import { type ExplorerContext, mustFind, newestFirst, txSummaries } from "../context.ts";
import { accountDetail, accountSummary, idParams, listOf, type Page, pageQuery } from "../schemas.ts";

const ACCOUNT_TXS = 25;

/** GET /accounts (newest first) and /accounts/:id with the account's latest transactions. */
export function accountRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Page }>(
      "/accounts",
      { schema: { querystring: pageQuery, response: { 200: listOf(accountSummary) } } },
      async (req) => {
        const head = await ctx.seq.head();
        const { start, count } = newestFirst(head.counters.accounts, req.query.offset, req.query.limit);
        const items = count > 0 ? await ctx.seq.list<object>("accounts", start - 1, count) : [];
        return { total: head.counters.accounts, offset: req.query.offset, items: items.reverse() };
      },
    );

    app.get<{ Params: { id: number } }>(
      "/accounts/:id",
      { schema: { params: idParams("id"), response: { 200: accountDetail } } },
      async (req) => {
        const id = req.params.id;
        const [a, hashes] = await Promise.all([
          mustFind(ctx.seq.account(id), `account ${id}`),
          ctx.seq.accountTransactions(id, ACCOUNT_TXS),
        ]);
        const { proof, ...account } = a;
        return {
          ...account,
          stateRoot: proof.stateRoot,
          leaf: proof.leaf,
          includesOpenBatch: proof.includesOpenBatch,
          transactions: await txSummaries(ctx, hashes),
        };
      },
    );
  };
}
