import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { RequestVerifier, sha256Hex } from "./auth.ts";
import type { BlobBackend } from "./backend.ts";
import { DiskBackend } from "./disk-backend.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import { codedErrorHandler } from "./http-errors.ts";
import { StoreIndex } from "./index-db.ts";
import { RootThread } from "./root-thread.ts";
import { storeRoutes } from "./routes.ts";
import { MAX_JSON_BYTES } from "./schemas.ts";
import { DEFAULT_LIMITS, type StoreLimits, StoreService } from "./service.ts";

// The store's per-route options, declared so that they type-check once another plugin in the
// program (the explorer's @fastify/swagger) also adds fields to route configs.
declare module "fastify" {
  interface FastifyContextConfig {
    /** Served without a signed request. */
    public?: boolean;
    /** The body reaches the handler as a stream, unhashed here. */
    streamedBody?: boolean;
  }
}

export interface StoreServerOptions {
  /** The index in `<dataDir>/index`; blobs under `<dataDir>/blobs` unless `backend` is given. */
  readonly dataDir: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly limits?: StoreLimits;
  readonly logger?: Logger;
  /** The clock requests are checked against (tests move it). */
  readonly now?: () => number;
}

export interface RunningStore<B extends BlobBackend = DiskBackend> {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly service: StoreService;
  /** The backend, for tools and tests that look at the stored bytes themselves. */
  readonly backend: B;
  stop(): Promise<void>;
}

const EMPTY_HASH = sha256Hex(new Uint8Array(0));

/**
 * The store's HTTP server. Every route but /health is authenticated (store/auth.ts) before
 * its body is read; JSON bodies are checked against the signed body hash here, streamed
 * chunks by the service as they arrive. Failures answer `{ code, message }` with the
 * status of their code (store/errors.ts).
 */
export async function buildStoreServer<B extends BlobBackend>(o: StoreServerOptions, backend: B) {
  mkdirSync(o.dataDir, { recursive: true });
  const index = await StoreIndex.open(join(o.dataDir, "index"));
  const limits = o.limits ?? DEFAULT_LIMITS;
  // One thread per core, up to two: the tree a completing upload waits for is shared.
  const roots = await RootThread.start(Math.min(2, availableParallelism()));
  const service = new StoreService(index, backend, limits, o.logger, roots);
  const now = o.now ?? Date.now;
  const verifier = new RequestVerifier(now(), now);
  const app = Fastify({ bodyLimit: MAX_JSON_BYTES });
  app.decorateRequest("caller", null);
  app.decorateRequest("rawBody", null);

  // JSON is kept as bytes too: the signature covers the exact bytes sent.
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    (req as unknown as { rawBody: Buffer }).rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString("utf8")));
    } catch (e) {
      done(new StoreError(StoreErrorCode.InvalidRequest, `body is not JSON: ${(e as Error).message}`));
    }
  });
  // Chunks reach the handler as the request stream itself: nothing is buffered here.
  app.addContentTypeParser("application/octet-stream", (_req, payload, done) => done(null, payload));

  app.addHook("preValidation", async (req) => {
    const config = req.routeOptions.config;
    if (config.public) return;
    req.caller = verifier.verify(req.method, req.url, req.headers);
    await service.noteIdentity(req.caller);
    if (config.streamedBody) return;
    const raw = (req as unknown as { rawBody: Buffer | null }).rawBody;
    if ((raw ? sha256Hex(raw) : EMPTY_HASH) !== req.caller.bodyHash) {
      throw new StoreError(StoreErrorCode.BodyHashMismatch, "body does not hash to the signed body hash");
    }
  });

  app.setErrorHandler(codedErrorHandler(StoreError, "store", o.logger));
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ code: StoreErrorCode.NotFound, message: `no route ${req.method} ${req.url}` }),
  );
  await app.register(storeRoutes(service));
  // Abandoned uploads are swept a few times per TTL, so one outlives it by a quarter at most.
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweeper = setInterval(
    () => {
      sweeping = service
        .sweepUploads()
        .catch((e: unknown) => o.logger?.error({ err: e }, "upload sweep failed"));
    },
    Math.max(50, Math.min(limits.uploadTtlMs / 4, 600_000)),
  );
  sweeper.unref();
  const close = async () => {
    clearInterval(sweeper);
    await sweeping;
    await app.close();
    await index.close();
    await backend.close();
    await roots.close();
  };
  return { app, service, close };
}

/** Serves blobs from `<dataDir>/blobs`, or from `backend` (opened by the caller, closed at stop). */
export async function startStore(o: StoreServerOptions): Promise<RunningStore>;
export async function startStore<B extends BlobBackend>(
  o: StoreServerOptions,
  backend: B,
): Promise<RunningStore<B>>;
export async function startStore(
  o: StoreServerOptions,
  given?: BlobBackend,
): Promise<RunningStore<BlobBackend>> {
  const backend = given ?? (await DiskBackend.open(o.dataDir));
  const { app, service, close } = await buildStoreServer(o, backend);
  let url: string;
  try {
    url = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 8549 });
  } catch (e) {
    await close();
    throw e;
  }
  return { url, app, service, backend, stop: close };
}
