import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Authenticated } from "./auth.ts";
import type { BlobKindName } from "./blob-format.ts";
import { StoreError, StoreErrorCode } from "./errors.ts";
import type { StoreIdentity } from "./identity.ts";
import type { EnvelopeRecord } from "./index-db.ts";
import {
  blobDataSchema,
  blobInfoSchema,
  chunkSchema,
  completeSchema,
  createUploadSchema,
  findByContentSchema,
  grantSchema,
  healthSchema,
  identitySchema,
  uploadStatusSchema,
} from "./schemas.ts";
import type { CompleteUpload, StoreService } from "./service.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the authentication hook (store/server.ts) on every route but /health. */
    caller: Authenticated | null;
  }
}

function caller(req: FastifyRequest): StoreIdentity {
  if (!req.caller) throw new StoreError(StoreErrorCode.Unauthenticated, "request is not authenticated");
  return req.caller.identity;
}

type IdParams = { Params: { id: string } };

/** The store's routes; the hooks and parsers they rely on are set up in server.ts. */
export function storeRoutes(service: StoreService) {
  return async (app: FastifyInstance) => {
    app.get("/health", { schema: healthSchema, config: { public: true } }, async () => ({ ok: true }));

    app.post<{
      Body: {
        kind: BlobKindName;
        size: number;
        datanet?: number;
        rowHashes?: string;
        refuseDuplicates?: boolean;
      };
    }>("/uploads", { schema: createUploadSchema }, async (req, reply) => {
      const b = req.body;
      const rowHashes =
        b.rowHashes === undefined ? undefined : new Uint8Array(Buffer.from(b.rowHashes, "base64"));
      const { upload, received, duplicates } = await service.createUpload(caller(req), {
        kind: b.kind,
        size: b.size,
        datanet: b.datanet,
        rowHashes,
        refuseDuplicates: b.refuseDuplicates,
      });
      return reply.code(201).send({
        uploadId: upload.id,
        size: upload.size,
        received,
        maxChunkBytes: service.limits.maxChunkBytes,
        duplicates,
      });
    });

    app.get<IdParams>("/uploads/:id", { schema: uploadStatusSchema }, async (req) => {
      const { upload, received } = await service.uploadStatus(caller(req), req.params.id);
      return { uploadId: upload.id, size: upload.size, received };
    });

    app.put<IdParams & { Querystring: { offset: number } }>(
      "/uploads/:id/chunks",
      { schema: chunkSchema, config: { streamedBody: true } },
      async (req) => {
        const body = req.body as AsyncIterable<Uint8Array> | undefined;
        if (!body || typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] !== "function") {
          throw new StoreError(StoreErrorCode.InvalidRequest, "a chunk is sent as application/octet-stream");
        }
        const received = await service.appendChunk(
          caller(req),
          req.params.id,
          req.query.offset,
          req.caller!.bodyHash,
          body,
        );
        return { received };
      },
    );

    app.post<IdParams & { Body: CompleteUpload }>(
      "/uploads/:id/complete",
      { schema: completeSchema },
      async (req, reply) =>
        reply.code(201).send(await service.complete(caller(req), req.params.id, req.body)),
    );

    app.get<{ Params: { hash: string } }>("/content/:hash", { schema: findByContentSchema }, async (req) => ({
      blobs: await service.findByContent(caller(req), req.params.hash),
    }));

    app.get<IdParams>("/blobs/:id", { schema: blobInfoSchema }, async (req) =>
      service.blobInfo(caller(req), req.params.id),
    );

    app.get<IdParams>("/blobs/:id/data", { schema: blobDataSchema }, async (req, reply) => {
      const { blob, bytes } = await service.readBlob(caller(req), req.params.id);
      return reply
        .type("application/octet-stream")
        .header("content-length", blob.size)
        .send(Readable.from(bytes));
    });

    app.get<{ Params: { key: string } }>("/identities/:key", { schema: identitySchema }, async (req) => {
      caller(req);
      return service.identityOf(req.params.key);
    });

    app.post<IdParams & { Body: EnvelopeRecord }>(
      "/blobs/:id/grants",
      { schema: grantSchema },
      async (req) => {
        await service.grant(caller(req), req.params.id, req.body);
        return { granted: true };
      },
    );
  };
}
