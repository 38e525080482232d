import type { FastifyInstance } from "fastify";
import { type ExplorerContext, mustFind, newestFirst } from "../context.ts";
import {
  contribution,
  datanet,
  idParams,
  inference,
  listOf,
  model,
  type Page,
  pageQuery,
} from "../schemas.ts";

/** `detail: false`: the entry's page is served elsewhere (an inference's, with its attribution, by rewards.ts). */
const REGISTRIES = [
  { name: "datanets", one: "Datanet", schema: datanet, detail: true },
  { name: "contributions", one: "contribution", schema: contribution, detail: true },
  { name: "models", one: "model", schema: model, detail: true },
  { name: "inferences", one: "inference", schema: inference, detail: false },
] as const;

/** GET /datanets, /contributions, /models, /inferences (newest first) and each entry by id. */
export function registryRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    for (const r of REGISTRIES) {
      app.get<{ Querystring: Page }>(
        `/${r.name}`,
        { schema: { querystring: pageQuery, response: { 200: listOf(r.schema) } } },
        async (req) => {
          const total = (await ctx.seq.head()).counters[r.name];
          const { start, count } = newestFirst(total, req.query.offset, req.query.limit);
          const items = count > 0 ? await ctx.seq.list<object>(r.name, start - 1, count) : [];
          return { total, offset: req.query.offset, items: items.reverse() };
        },
      );
      if (!r.detail) continue;
      app.get<{ Params: { id: number } }>(
        `/${r.name}/:id`,
        { schema: { params: idParams("id"), response: { 200: r.schema } } },
        async (req) => mustFind(ctx.seq.entry<object>(r.name, req.params.id), `${r.one} ${req.params.id}`),
      );
    }
  };
}
