import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface L1Http {
  readonly url: string;
  readonly server: Server;
}

/** The in-process EDR chain over HTTP, for the CLI in its own process: each call (or batch) passed through as is. */
export async function serveL1(
  send: (method: string, params: unknown[]) => Promise<unknown>,
): Promise<L1Http> {
  interface Call {
    id: number;
    method: string;
    params?: unknown[];
  }
  const answer = (r: Call) =>
    send(r.method, r.params ?? []).then(
      (result) => ({ jsonrpc: "2.0", id: r.id, result }),
      (e: Error) => ({ jsonrpc: "2.0", id: r.id, error: { code: -32603, message: e.message } }),
    );
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const parsed = JSON.parse(body) as Call | Call[];
      void (Array.isArray(parsed) ? Promise.all(parsed.map(answer)) : answer(parsed)).then((out) =>
        res.end(JSON.stringify(out)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
