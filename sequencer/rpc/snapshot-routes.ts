import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { stateRecords } from "../../protocol/snapshot/format.ts";
import { snapshotChunks } from "../../protocol/snapshot/frames.ts";
import type { FinalizedMirror } from "../finalized/mirror.ts";

/**
 * `GET /snapshot`: the state at the last finalized entry the node's mirror holds, streamed in
 * the snapshot format (docs/protocol.md §8.5). The mirror is held at its entry while the
 * stream lasts (its next advance waits), so the header and every record are of one entry.
 * Untrusted by design: a consumer checks the header against L1 and the records against it.
 */
export function snapshotRoutes(mirror: FinalizedMirror) {
  return async (app: FastifyInstance) => {
    app.get("/snapshot", async (_req, reply) => {
      const release = await mirror.hold();
      async function* chunks() {
        try {
          yield* snapshotChunks(await mirror.header(), stateRecords(mirror.state));
        } finally {
          release();
        }
      }
      const stream = Readable.from(chunks(), { objectMode: false });
      // A client that goes away destroys the stream; the mirror is released all the same.
      stream.on("close", release);
      return reply
        .type("application/octet-stream")
        .header("x-openledger-snapshot-entry", String(mirror.entry))
        .send(stream);
    });
  };
}
