import type { FastifyInstance } from "fastify";
import { type ExplorerContext, l1View } from "../context.ts";
import { hashPattern, searchReply, status } from "../schemas.ts";

interface SearchResult {
  kind: "batch" | "transaction" | "account" | "contribution" | "model" | "inference";
  id: string;
  label: string;
}

/** Words a search may start with, and the kind each names. */
const KEYWORDS: Record<string, SearchResult["kind"]> = {
  batch: "batch",
  b: "batch",
  account: "account",
  acct: "account",
  a: "account",
  tx: "transaction",
  contribution: "contribution",
  c: "contribution",
  model: "model",
  m: "model",
  inference: "inference",
  i: "inference",
};

/** GET /status (both chains' heads) and /search?q= (tx hash, batch number, account id...). */
export function chainRoutes(ctx: ExplorerContext) {
  return async (app: FastifyInstance) => {
    app.get("/status", { schema: { response: { 200: status } } }, async () => {
      const [l2, { l1, l1Error }] = await Promise.all([ctx.seq.head(), l1View(ctx)]);
      return { l2, l1: l1?.head ?? null, l1Error, l1TxUrl: ctx.l1TxUrl };
    });

    app.get<{ Querystring: { q: string } }>(
      "/search",
      {
        schema: {
          querystring: {
            type: "object",
            required: ["q"],
            properties: { q: { type: "string", minLength: 1, maxLength: 100 } },
          },
          response: { 200: searchReply },
        },
      },
      async (req) => ({ query: req.query.q, results: await search(ctx, req.query.q.trim()) }),
    );
  };
}

/**
 * What a query names, among what exists: a 32-byte hash is a transaction; a number alone
 * is a batch or an account (both offered); "model 3", "c 2", "#5"... name one kind.
 */
async function search(ctx: ExplorerContext, q: string): Promise<SearchResult[]> {
  if (new RegExp(hashPattern).test(q)) {
    const t = await ctx.seq.transaction(q.toLowerCase());
    return t ? [{ kind: "transaction", id: t.hash, label: `${t.type} transaction ${t.hash}` }] : [];
  }
  const m = /^(?:([a-z]+)\s*)?#?\s*(\d{1,10})$/i.exec(q);
  if (!m) return [];
  const n = Number(m[2]);
  const only = m[1] === undefined ? undefined : KEYWORDS[m[1].toLowerCase()];
  if (n < 1 || n > 0xffffffff || (m[1] !== undefined && only === undefined)) return [];
  const head = await ctx.seq.head();
  const exists: Record<Exclude<SearchResult["kind"], "transaction">, boolean> = {
    batch: n <= head.sealedBatches,
    account: n <= head.counters.accounts,
    contribution: n <= head.counters.contributions,
    model: n <= head.counters.models,
    inference: n <= head.counters.inferences,
  };
  // A bare number most often means a batch or an account; other kinds need their keyword.
  const kinds = only ? [only] : (["batch", "account"] as const);
  return kinds
    .filter((k): k is keyof typeof exists => k !== "transaction" && exists[k as keyof typeof exists])
    .map((k) => ({ kind: k, id: String(n), label: `${k} ${n}` }));
}
