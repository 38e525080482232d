import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import hre from "hardhat";
import type { Logger } from "pino";
import { changesState, type JournalEntry, RpcJournal, sendsTransaction } from "./rpc-journal.ts";

/** An EIP-1193 provider: what Hardhat's in-process EDR chain offers. */
interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface L1Chain {
  url: string;
  chainId: bigint;
  /** Journal entries replayed at start (0 on a fresh chain). */
  replayed: number;
  close(): Promise<void>;
}

/**
 * Hardhat's EDR chain in this process behind a small JSON-RPC HTTP server on `host:port`.
 * State-changing calls are journaled to `journalPath` and replayed on the next start; calls
 * that change state run one at a time so the journal order is the execution order.
 */
export async function startL1Chain(opts: {
  host: string;
  port: number;
  journalPath: string;
  logger: Logger;
}): Promise<L1Chain> {
  const connection = await hre.network.create();
  const provider = connection.provider as Eip1193;
  const journal = new RpcJournal(opts.journalPath);
  const replayed = await replay(provider, journal.entries());
  if (replayed > 0)
    opts.logger.info({ calls: replayed, journal: opts.journalPath }, "L1 state restored from the journal");

  let tail: Promise<unknown> = Promise.resolve();
  const call = async (req: JsonRpcRequest) => {
    const params = req.params ?? [];
    if (!changesState(req.method)) return provider.request({ method: req.method, params });
    const run = async () => {
      try {
        return await provider.request({ method: req.method, params });
      } finally {
        // A reverted transaction is still mined: journal it whatever the outcome.
        journal.append(await entryFor(provider, req.method, params));
      }
    };
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };

  const server = createServer((req, res) => {
    void handle(req, call).then(({ status, body }) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port, opts.host, resolve);
    });
  } catch (err) {
    await connection.close();
    throw new Error(`the L1 cannot listen on ${opts.host}:${opts.port} (${(err as Error).message})`, {
      cause: err,
    });
  }
  const { address, port } = server.address() as AddressInfo;
  const chainId = BigInt((await provider.request({ method: "eth_chainId" })) as string);
  return {
    url: `http://${address}:${port}`,
    chainId,
    replayed,
    close: async () => {
      await closeServer(server);
      await connection.close();
    },
  };
}

async function entryFor(provider: Eip1193, method: string, params: unknown[]): Promise<JournalEntry> {
  if (!sendsTransaction(method)) return { method, params };
  const block = (await provider.request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
    timestamp: string;
  };
  return { method, params, blockTime: Number(BigInt(block.timestamp)) };
}

async function replay(provider: Eip1193, entries: JournalEntry[]): Promise<number> {
  for (const entry of entries) {
    if (entry.blockTime !== undefined) {
      await provider
        .request({ method: "evm_setNextBlockTimestamp", params: [entry.blockTime] })
        .catch(() => {});
    }
    // Calls that failed when first made fail the same way now; the state still follows.
    await provider.request({ method: entry.method, params: entry.params }).catch(() => {});
  }
  return entries.length;
}

async function handle(
  req: IncomingMessage,
  call: (r: JsonRpcRequest) => Promise<unknown>,
): Promise<{ status: number; body: string }> {
  if (req.method !== "POST") return { status: 405, body: '{"error":"POST JSON-RPC requests"}' };
  let parsed: JsonRpcRequest | JsonRpcRequest[];
  try {
    parsed = JSON.parse(await readBody(req)) as JsonRpcRequest | JsonRpcRequest[];
  } catch {
    return { status: 200, body: JSON.stringify(rpcError(null, -32700, "parse error")) };
  }
  const one = async (r: JsonRpcRequest) => {
    try {
      return { jsonrpc: "2.0", id: r.id, result: await call(r) };
    } catch (err) {
      const e = err as { code?: number; message?: string; data?: unknown };
      return rpcError(r.id, e.code ?? -32603, e.message ?? String(err), e.data);
    }
  };
  const body = Array.isArray(parsed) ? await Promise.all(parsed.map(one)) : await one(parsed);
  return { status: 200, body: JSON.stringify(body) };
}

/** Revert data travels in error.data, where ethers decodes custom errors from. */
function rpcError(id: JsonRpcRequest["id"], code: number, message: string, data?: unknown) {
  return { jsonrpc: "2.0", id, error: data === undefined ? { code, message } : { code, message, data } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
