import Fastify, { type FastifyInstance } from "fastify";
import { JsonRpcProvider, type Provider } from "ethers";
import type { Logger } from "pino";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { ChainWatcher } from "./api/chain-watch.ts";
import type { ExplorerContext } from "./api/context.ts";
import { GovernanceSource } from "./api/governance-source.ts";
import { L1Status } from "./api/l1-status.ts";
import { explorerApi } from "./api/plugin.ts";
import { SequencerSource } from "./api/sequencer-source.ts";
import { ensureWebBuild } from "./web/build.ts";
import { webUi } from "./web/static.ts";

export interface ExplorerOptions {
  /** The sequencer's JSON-RPC endpoint (…/rpc). */
  readonly rpcUrl: string;
  /** An L1 JSON-RPC endpoint, or a provider the caller owns (an in-process chain in tests). */
  readonly l1: string | Provider;
  /** The Rollup contract. */
  readonly rollup: string;
  /** First L1 block with rollup events (the deployment block). */
  readonly fromBlock?: number;
  /** L1 block explorer prefix for transaction links, e.g. https://etherscan.io/tx/ */
  readonly l1TxUrl?: string;
  /** How long one L1 read answers every request (default 1000 ms). */
  readonly l1CacheMs?: number;
  /** The GrantStreams contract, whose grants the governance page lists (none without it). */
  readonly grantStreams?: string;
  /** How often the live-update poller reads the sources while a page listens (default 1000 ms). */
  readonly eventsPollMs?: number;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly logger?: Logger;
}

export interface RunningExplorer {
  /** Where the UI is served; the API is under `${url}/api`. */
  readonly url: string;
  readonly app: FastifyInstance;
  stop(): Promise<void>;
}

/**
 * The explorer's server: the read API under /api, its OpenAPI document at /docs (JSON at
 * /docs/json), and the web UI everywhere else (built on first start, see web/build.ts).
 */
export async function buildExplorer(o: ExplorerOptions): Promise<{ app: FastifyInstance; close(): void }> {
  // ethers caches identical reads for 250 ms by default; the snapshot cache is ours to tune.
  const owned =
    typeof o.l1 === "string"
      ? new JsonRpcProvider(o.l1, undefined, { staticNetwork: true, cacheTimeout: -1 })
      : undefined;
  const l1Provider = owned ?? (o.l1 as Provider);
  const ctx: ExplorerContext = {
    seq: new SequencerSource(new OpenLedgerProvider(o.rpcUrl)),
    l1: new L1Status({
      provider: l1Provider,
      rollup: o.rollup,
      fromBlock: o.fromBlock,
      cacheMs: o.l1CacheMs,
    }),
    governance: new GovernanceSource({
      provider: l1Provider,
      rollup: o.rollup,
      fromBlock: o.fromBlock ?? 0,
      grantStreams: o.grantStreams,
    }),
    l1TxUrl: o.l1TxUrl ?? null,
    logger: o.logger,
  };
  const watcher = new ChainWatcher(ctx, o.eventsPollMs);
  // Fastify's own request logging stays off: the API's error handler logs what failed.
  // Open event streams must not hold up close().
  const app = Fastify({ forceCloseConnections: true });
  await app.register(swagger, {
    openapi: {
      info: {
        title: "OpenLedger explorer API",
        version: "1",
        description: "Read API of the OpenLedger rollup's explorer (docs/explorer.md).",
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  await app.register(explorerApi(ctx, watcher), { prefix: "/api" });
  await app.register(webUi(await ensureWebBuild()));
  return {
    app,
    close: () => {
      watcher.stop();
      owned?.destroy();
    },
  };
}

export async function startExplorer(o: ExplorerOptions): Promise<RunningExplorer> {
  const { app, close } = await buildExplorer(o);
  let url: string;
  try {
    url = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 8548 });
  } catch (e) {
    close();
    throw e;
  }
  return {
    url,
    app,
    async stop() {
      await app.close();
      close();
    },
  };
}
