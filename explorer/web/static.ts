import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { FastifyInstance } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The UI's own files, every one loaded at start: no path from a request ever reaches the disk. */
export const WEB_ROOT = join(import.meta.dirname, "public");

/**
 * Serves the web UI: the files of `public/` at their names, and index.html for every other
 * GET outside /api, so that page URLs (/batch/3, /tx/0x...) load the app, which routes itself.
 */
export function webUi(root = WEB_ROOT) {
  return async (app: FastifyInstance) => {
    const files = new Map<string, { body: Buffer; type: string }>();
    for (const name of await readdir(root)) {
      const type = TYPES[extname(name)];
      if (type) files.set(`/${name}`, { body: await readFile(join(root, name)), type });
    }
    const index = files.get("/index.html");
    if (!index) throw new Error(`the explorer UI has no index.html in ${root}`);
    const send = (file: { body: Buffer; type: string }, reply: import("fastify").FastifyReply) =>
      reply
        .header("content-type", file.type)
        .header("cache-control", "no-cache")
        .header("x-content-type-options", "nosniff")
        .header(
          "content-security-policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        )
        .send(file.body);
    app.get("/*", async (req, reply) => {
      const path = req.url.split("?")[0]!;
      return send(files.get(path) ?? index, reply);
    });
  };
}
