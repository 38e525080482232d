import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import type { FastifyInstance } from "fastify";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

/**
 * Serves the built web UI (`root`, from web/build.ts): its files at their paths, every one
 * loaded at start so no path from a request ever reaches the disk, and index.html for every
 * other GET outside /api and /docs, so that page URLs (/batch/3, /tx/0x...) load the app,
 * which routes itself.
 */
export function webUi(root: string) {
  return async (app: FastifyInstance) => {
    const files = new Map<string, { body: Buffer; type: string }>();
    for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
      const path = join(e.parentPath, e.name);
      const type = TYPES[extname(e.name)];
      if (e.isFile() && type) files.set(`/${relative(root, path)}`, { body: await readFile(path), type });
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
    app.get("/*", { schema: { hide: true } }, async (req, reply) => {
      const path = req.url.split("?")[0]!;
      return send(files.get(path) ?? index, reply);
    });
  };
}
