import type { FastifyInstance } from "fastify";
import { type DirectoryArchive, trainingJson } from "../../contracts/client/blob-archive.ts";

const HASH = "^0x[0-9a-f]{64}$";

const errorBody = { type: "object", properties: { error: { type: "string" } } } as const;

/**
 * The sequencer's blob archive over HTTP, read-only, in the directory's layout
 * (`/archive/blobs/<versioned hash>`, `/archive/training/<descriptor>.json`): an untrusted
 * source for anyone rebuilding the state from L1 (docs/protocol.md §8.4), who checks
 * everything it serves.
 */
export function archiveRoutes(archive: DirectoryArchive) {
  return async (app: FastifyInstance) => {
    // Plain HTTP, not JSON-RPC: a malformed path gets its own message, not the /rpc handler's.
    app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
      const status = err.statusCode ?? 500;
      void reply
        .code(status)
        .send({ error: status < 500 ? `bad archive request: ${err.message}` : "internal error" });
    });
    app.get<{ Params: { hash: string } }>(
      "/archive/blobs/:hash",
      {
        schema: {
          params: {
            type: "object",
            properties: { hash: { type: "string", pattern: HASH } },
            required: ["hash"],
          },
          response: { 400: errorBody, 404: errorBody },
        },
      },
      async (req, reply) => {
        const data = await archive.batchData(req.params.hash);
        if (!data)
          return reply.code(404).send({ error: `no batch data for versioned hash ${req.params.hash}` });
        return reply.type("application/octet-stream").send(Buffer.from(data));
      },
    );
    app.get<{ Params: { file: string } }>(
      "/archive/training/:file",
      {
        schema: {
          params: {
            type: "object",
            properties: { file: { type: "string", pattern: "^0x[0-9a-f]{64}\\.json$" } },
            required: ["file"],
          },
          response: { 400: errorBody, 404: errorBody },
        },
      },
      async (req, reply) => {
        const descriptor = BigInt(req.params.file.slice(0, -".json".length));
        const training = await archive.trainingSet(descriptor);
        if (!training)
          return reply.code(404).send({ error: `no training list for descriptor ${req.params.file}` });
        return reply.type("application/json").send(trainingJson(training));
      },
    );
  };
}
