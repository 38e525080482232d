import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import Fastify from "fastify";
import type { Logger } from "pino";
import { DirectoryArchive } from "../../contracts/client/blob-archive.ts";
import { archiveRoutes } from "./archive-routes.ts";
import type { FinalizedMirror } from "../finalized/mirror.ts";
import { finalizedMethods } from "./finalized-methods.ts";
import { snapshotRoutes } from "./snapshot-routes.ts";
import type { Sequencer } from "../core/sequencer.ts";
import { RpcCode, RpcError, type RpcErrorObject, toRpcError } from "./errors.ts";
import type { SequencerMetrics } from "./metrics.ts";
import { type Method, methods } from "./methods.ts";
import { type RateLimitConfig, RateLimiter } from "./rate-limit.ts";

/**
 * JSON-RPC 2.0 over HTTP: POST /rpc takes one call or a batch (an array) of calls;
 * GET /health and GET /metrics serve operators. Every failure, including a body that is too
 * large or not JSON, is answered as a JSON-RPC error object saying what was wrong.
 */
export interface RpcServerConfig {
  readonly bodyLimitBytes: number;
  readonly maxBatchCalls: number;
  readonly rateLimit: RateLimitConfig;
  /** Accept `ol_submitDeposit` (devnet and tests; deposits otherwise come from the L1 relay). */
  readonly rpcDeposits: boolean;
  /** The blob archive directory the node's poster writes, served read-only under /archive/. */
  readonly blobArchive?: string;
}

interface Call {
  readonly jsonrpc?: unknown;
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

type Reply =
  { jsonrpc: "2.0"; id: unknown; result: unknown } | { jsonrpc: "2.0"; id: unknown; error: RpcErrorObject };

export async function buildRpcServer(
  seq: Sequencer,
  config: RpcServerConfig,
  metrics: SequencerMetrics,
  logger: Logger,
  /** The state at the last finalized entry (a node with an L1): `GET /snapshot`, finalized proofs. */
  finalized?: FinalizedMirror,
) {
  // Fastify's own request logging stays off: the handlers log what matters through `logger`.
  const app = Fastify({ bodyLimit: config.bodyLimitBytes });
  const table = {
    ...methods(seq, { rpcDeposits: config.rpcDeposits }),
    ...(finalized && finalizedMethods(finalized)),
  };
  // Optional trailing params are tuples with fewer required items, which strict tuples forbid.
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictTuples: false });
  const validators = new Map<string, ValidateFunction>(
    Object.entries(table).map(([name, m]) => [name, ajv.compile(m.params)]),
  );
  const limiter = new RateLimiter(config.rateLimit);

  const call = async (c: Call): Promise<Reply | undefined> => {
    const isCall = c !== null && typeof c === "object" && !Array.isArray(c);
    const id = isCall && "id" in c ? c.id : null;
    const method = isCall && typeof c.method === "string" ? c.method : "invalid";
    const started = performance.now();
    try {
      if (!isCall || c.jsonrpc !== "2.0" || typeof c.method !== "string") {
        throw new RpcError(
          RpcCode.InvalidRequest,
          'a call is an object with jsonrpc "2.0", a string method, optional params and id',
        );
      }
      if (id !== null && typeof id !== "string" && typeof id !== "number") {
        throw new RpcError(RpcCode.InvalidRequest, "id must be a string, a number or null");
      }
      const m: Method | undefined = Object.hasOwn(table, c.method) ? table[c.method] : undefined;
      if (!m) throw new RpcError(RpcCode.MethodNotFound, `unknown method ${c.method}`);
      const params = c.params ?? [];
      const validate = validators.get(c.method)!;
      if (!validate(params)) {
        const err = validate.errors?.[0];
        throw new RpcError(
          RpcCode.InvalidParams,
          `invalid params for ${c.method}: params${err?.instancePath ?? ""} ${err?.message ?? "are invalid"}`,
        );
      }
      const result = await m.handler(params as never);
      metrics.rpcCalls.inc({ method, outcome: "ok" });
      return "id" in c ? { jsonrpc: "2.0", id, result: result ?? null } : undefined;
    } catch (e) {
      const error = toRpcError(e);
      if (error.code === RpcCode.Internal) logger.error({ err: e, method }, "RPC handler failed");
      metrics.rpcCalls.inc({ method, outcome: String(error.data?.code ?? error.code) });
      return { jsonrpc: "2.0", id, error };
    } finally {
      metrics.rpcSeconds.observe({ method }, (performance.now() - started) / 1000);
    }
  };

  app.setErrorHandler((err: { code?: string; statusCode?: number }, _req, reply) => {
    const tooLarge = err.code === "FST_ERR_CTP_BODY_TOO_LARGE";
    const badJson = err.code === "FST_ERR_CTP_INVALID_JSON_BODY" || err instanceof SyntaxError;
    const error: RpcErrorObject = tooLarge
      ? { code: RpcCode.InvalidRequest, message: `request body exceeds ${config.bodyLimitBytes} bytes` }
      : badJson
        ? { code: RpcCode.ParseError, message: "request body is not valid JSON" }
        : (err.statusCode ?? 500) < 500
          ? {
              code: RpcCode.InvalidRequest,
              message: `bad request (${err.code ?? "unknown"}): send a JSON body with content-type application/json`,
            }
          : { code: RpcCode.Internal, message: "internal error" };
    if (error.code === RpcCode.Internal) logger.error({ err }, "HTTP request failed");
    void reply.code(tooLarge ? 413 : (err.statusCode ?? 500)).send({ jsonrpc: "2.0", id: null, error });
  });

  app.post("/rpc", async (req, reply) => {
    const body = req.body as Call | Call[];
    const calls = Array.isArray(body) ? body : [body];
    if (!limiter.take(req.ip, Math.max(1, calls.length), Date.now())) {
      metrics.rateLimited.inc();
      return reply.code(429).send({
        jsonrpc: "2.0",
        id: null,
        error: {
          code: RpcCode.RateLimited,
          message: `rate limit exceeded: at most ${config.rateLimit.perSecond} calls per second per client`,
        },
      });
    }
    if (Array.isArray(body)) {
      if (body.length === 0) {
        return { jsonrpc: "2.0", id: null, error: { code: RpcCode.InvalidRequest, message: "empty batch" } };
      }
      if (body.length > config.maxBatchCalls) {
        return {
          jsonrpc: "2.0",
          id: null,
          error: {
            code: RpcCode.InvalidRequest,
            message: `a batch holds at most ${config.maxBatchCalls} calls, got ${body.length}`,
          },
        };
      }
      const replies = (await Promise.all(body.map(call))).filter((r) => r !== undefined);
      return replies.length > 0 ? replies : reply.code(204).send();
    }
    const r = await call(body);
    return r ?? reply.code(204).send();
  });

  if (config.blobArchive !== undefined)
    await app.register(archiveRoutes(new DirectoryArchive(config.blobArchive)));

  if (finalized) await app.register(snapshotRoutes(finalized));

  app.get("/health", async () => ({
    status: "ok",
    sealedBatches: seq.view.sealedBatches,
    openBatch: seq.view.openBatch,
    mempool: seq.view.mempoolSize,
  }));

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  return app;
}
