import type { FastifyInstance } from "fastify";
import type { InferenceInfo, ModelInfo } from "../../../sdk/wire.ts";
import { type ExplorerContext, mustFind } from "../context.ts";
import { accountRewards, afterQuery, datanetContributions, idParams, modelUse } from "../schemas.ts";

/** Registry entries a model page scans for its inferences and fine-tunes (the sequencer keeps no index). */
const SCAN = 1000;
const PAGE = 100;
/** Settlements an account page reads for its rewards history. */
const SETTLEMENT_SCAN = 2000;

/**
 * What refers to an entry: GET /datanets/:id/contributions, /models/:id/use (its latest
 * inferences and its fine-tunes) and /accounts/:id/rewards (credits of reward settlements).
 */
export function relationRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: number }; Querystring: { after: number; limit: number } }>(
      "/datanets/:id/contributions",
      {
        schema: { params: idParams("id"), querystring: afterQuery, response: { 200: datanetContributions } },
      },
      async (req) => {
        const { id } = req.params;
        await mustFind(ctx.seq.entry("datanets", id), `Datanet ${id}`);
        const items = await ctx.seq.contributionsOf<{ id: number }>(id, req.query.after, req.query.limit);
        const full = items.length === req.query.limit;
        return { datanet: id, after: req.query.after, items, nextAfter: full ? items.at(-1)!.id : null };
      },
    );

    app.get<{ Params: { id: number } }>(
      "/models/:id/use",
      { schema: { params: idParams("id"), response: { 200: modelUse } } },
      async (req) => {
        const { id } = req.params;
        await mustFind(ctx.seq.entry("models", id), `model ${id}`);
        const head = await ctx.seq.head();
        const [inferences, models] = await Promise.all([
          newest<InferenceInfo>(ctx, "inferences", head.counters.inferences),
          newest<ModelInfo>(ctx, "models", head.counters.models),
        ]);
        return {
          model: id,
          inferences: inferences.filter((i) => i.model === id).slice(0, 20),
          fineTunes: models.filter((m) => m.baseModel === id).map((m) => m.id),
          scanned: { inferences: inferences.length, models: models.length },
        };
      },
    );

    app.get<{ Params: { id: number } }>(
      "/accounts/:id/rewards",
      { schema: { params: idParams("id"), response: { 200: accountRewards } } },
      async (req) => {
        const { id } = req.params;
        await mustFind(ctx.seq.account(id), `account ${id}`);
        // Settlements come oldest first; the history reads newest first, each settlement's credits in order.
        const bySettlement = [];
        for (let offset = 0; offset < SETTLEMENT_SCAN; offset += PAGE) {
          const page = await ctx.seq.settlements(offset, PAGE);
          for (const s of page) {
            bySettlement.push(
              s.credits
                .filter((c) => c.account === id)
                .map((c) => ({
                  entry: s.number,
                  epoch: s.epoch,
                  model: s.model,
                  role: c.role,
                  amount: c.amount,
                  contribution: c.contribution ?? null,
                })),
            );
          }
          if (page.length < PAGE) break;
        }
        const items = bySettlement.reverse().flat();
        const total = items.reduce((sum, c) => sum + BigInt(c.amount), 0n).toString();
        return { account: id, total, items };
      },
    );
  };
}

/** The newest `SCAN` entries of a registry of `total`, newest first. */
async function newest<T>(
  ctx: ExplorerContext,
  registry: "inferences" | "models",
  total: number,
): Promise<T[]> {
  const out: T[] = [];
  for (let end = total; end > Math.max(0, total - SCAN); end -= PAGE) {
    const start = Math.max(0, end - PAGE, total - SCAN);
    out.push(...(await ctx.seq.list<T>(registry, start, end - start)).reverse());
  }
  return out;
}
