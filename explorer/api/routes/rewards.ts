import type { FastifyInstance } from "fastify";
import type { InferenceInfo, SettlementInfo } from "../../../sdk/wire.ts";
import { type ExplorerContext, l1Batch, l1View, mapLimit, mustFind, newestFirst } from "../context.ts";
import { inferenceAttribution, paidByRole, topContributors } from "../rewards.ts";
import {
  epochDetail,
  epochSummary,
  idParams,
  inferenceDetail,
  listOf,
  type Page,
  pageQuery,
} from "../schemas.ts";

/** Contributors an epoch page ranks. */
const TOP_CONTRIBUTORS = 10;

const methodOf = (g: { attributionMethod: number; attributionMethodName?: string | null }) => ({
  id: g.attributionMethod,
  name: g.attributionMethodName ?? null,
});

/**
 * GET /epochs (newest first), /epochs/:epoch (its settlements with their L1 status, what they
 * paid by role, its top contributors) and /inferences/:id with the inference's attribution and
 * fee split once a settlement has paid it (docs/protocol.md §11).
 */
export function rewardRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Page }>(
      "/epochs",
      { schema: { querystring: pageQuery, response: { 200: listOf(epochSummary) } } },
      async (req) => {
        const [head, governance] = await Promise.all([ctx.seq.head(), ctx.seq.governance()]);
        // Epochs begun: every one a sealed entry belongs to, and the open entry's.
        const total = Math.floor(head.sealedBatches / governance.epochLength) + 1;
        const { start, count } = newestFirst(total, req.query.offset, req.query.limit);
        // newestFirst counts from 1; epochs from 0.
        const ids = Array.from({ length: count }, (_, i) => start + count - 2 - i);
        const epochs = await mapLimit(ids, 8, (e) => ctx.seq.epoch(e));
        return {
          total,
          offset: req.query.offset,
          items: epochs.flatMap((e) => (e ? [{ ...e, settlementCount: e.settlements.length }] : [])),
        };
      },
    );

    app.get<{ Params: { epoch: number } }>(
      "/epochs/:epoch",
      {
        schema: {
          params: {
            type: "object",
            required: ["epoch"],
            properties: { epoch: { type: "integer", minimum: 0, maximum: 0xffffffff } },
          },
          response: { 200: epochDetail },
        },
      },
      async (req) => {
        const e = req.params.epoch;
        const [epoch, { l1, l1Error }] = await Promise.all([
          mustFind(ctx.seq.epoch(e), `epoch ${e}`),
          l1View(ctx),
        ]);
        const settlements = await settlementsOf(ctx, epoch.settlements);
        const method = settlements[0]?.governance ?? (await ctx.seq.governance());
        return {
          ...epoch,
          attributionMethod: methodOf(method),
          settlements: settlements.map((s) => ({
            entry: s.number,
            model: s.model,
            inferences: s.inferences,
            paid: s.paid,
            proverAccount: s.proverAccount,
            publicInput: s.publicInput,
            attributionMethod: methodOf(s.governance),
            l1: l1Batch(l1, s),
          })),
          paidByRole: paidByRole(settlements),
          topContributors: topContributors(settlements, TOP_CONTRIBUTORS),
          l1Error,
        };
      },
    );

    app.get<{ Params: { id: number } }>(
      "/inferences/:id",
      { schema: { params: idParams("id"), response: { 200: inferenceDetail } } },
      async (req) => {
        const id = req.params.id;
        const inference = await mustFind(ctx.seq.entry<InferenceInfo>("inferences", id), `inference ${id}`);
        if (inference.settlement === null) return { ...inference, attribution: null, l1Error: null };
        const [s, { l1, l1Error }] = await Promise.all([
          mustFind(ctx.seq.settlement(inference.settlement), `settlement ${inference.settlement}`),
          l1View(ctx),
        ]);
        const attribution = inferenceAttribution(s, id);
        if (!attribution) throw new Error(`settlement ${s.number} does not name inference ${id}`);
        return {
          ...inference,
          attribution: {
            settlement: s.number,
            epoch: s.epoch,
            attributionMethod: methodOf(s.governance),
            l1: l1Batch(l1, s),
            ...attribution,
          },
          l1Error,
        };
      },
    );
  };
}

async function settlementsOf(ctx: ExplorerContext, entries: readonly number[]): Promise<SettlementInfo[]> {
  const found = await mapLimit(entries, 8, (n) => ctx.seq.settlement(n));
  return found.filter((s): s is SettlementInfo => s !== null);
}
