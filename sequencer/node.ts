import { join } from "node:path";
import type { Logger } from "pino";
import { type FinalitySource, FinalityFollower } from "./finalized/follower.ts";
import { FinalizedMirror } from "./finalized/mirror.ts";
import { type BatchPoster, EntriesMissingOnL1 } from "./l1/batch-poster.ts";
import { SequencerMetrics } from "./rpc/metrics.ts";
import { buildRpcServer, type RpcServerConfig } from "./rpc/server.ts";
import { type EntryRecord, KEY } from "./storage/schema.ts";
import type { ProverRegistry } from "./core/settlements.ts";
import { Sequencer, type SequencerConfig } from "./core/sequencer.ts";
import { Store } from "./storage/store.ts";
import { InlineVerifier, type TxVerifier } from "./workers/verifier.ts";
import { VerifyPool } from "./workers/verify-pool.ts";

/**
 * A running sequencer node: LevelDB store, signature workers, the sequencer core, the
 * JSON-RPC server, the seal timer and the entry poster loop, started and stopped together.
 */
export interface NodeConfig {
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port; the bound URL is in `SequencerNode.url`. */
  readonly port: number;
  readonly sequencer: SequencerConfig;
  readonly rpc: RpcServerConfig;
  /** Signature-checking worker threads; 0 checks on the main thread. */
  readonly verifyWorkers: number;
  /**
   * fsync each LevelDB write before answering (group commit): an answered transaction then
   * survives power loss, not only the process being killed (sequencer/store.ts).
   */
  readonly fsync: boolean;
  /** Delay before offering a batch the poster failed on again (default 5 s). */
  readonly postRetryMs?: number;
}

export interface SequencerNode {
  readonly url: string;
  readonly sequencer: Sequencer;
  /** The node's LevelDB, for what runs beside the sequencer in its process (the L1 relay). */
  readonly store: Store;
  /** The state at the last finalized entry, kept when the node follows L1's finality. */
  readonly finalized?: { readonly mirror: FinalizedMirror; readonly follower: FinalityFollower };
  stop(): Promise<void>;
}

/**
 * `poster` commits sealed entries to L1; `provers` answers who may submit settlements;
 * `finality` says which entries L1 finalized, and the node then keeps the finalized state in
 * `<dataDir>/finalized` (`finalized/mirror.ts`; all from the L1 wiring, `sequencer/l1/`):
 * without them the node posts nothing, takes no settlement, keeps no finalized state.
 */
export async function startNode(
  config: NodeConfig,
  logger: Logger,
  poster?: BatchPoster,
  provers?: ProverRegistry,
  finality?: { readonly source: FinalitySource; readonly pollMs: number },
): Promise<SequencerNode> {
  const store = await Store.open(config.dataDir, { sync: config.fsync });
  const ctx = { domain: config.sequencer.domain, params: config.sequencer.params };
  const verifier: TxVerifier =
    config.verifyWorkers > 0 ? new VerifyPool(ctx, config.verifyWorkers) : new InlineVerifier(ctx);
  const posting = poster ? new PostingLoop(poster, store, logger, config.postRetryMs ?? 5000) : undefined;
  let sequencer: Sequencer;
  try {
    sequencer = await Sequencer.open(config.sequencer, {
      store,
      verifier,
      logger,
      provers,
      onSealed: (b) => posting?.enqueue(b),
    });
  } catch (e) {
    await verifier.close();
    await store.close();
    throw e;
  }
  if (posting) {
    // Entries sealed before a restart but not yet on L1 are offered again, oldest first.
    const unposted: EntryRecord[] = [];
    for (let n = sequencer.view.sealedBatches; n >= 1; n--) {
      const b = await sequencer.view.batch(n);
      if (!b || b.l1TxHash !== undefined) break;
      unposted.unshift(b);
    }
    for (const b of unposted) posting.enqueue(b);
  }
  const finalized = finality && (await followFinality(config, sequencer, finality, logger));
  // Listen only once signatures can be checked: "listening" means ready for load.
  await verifier.ready();
  const metrics = new SequencerMetrics(sequencer);
  const app = await buildRpcServer(sequencer, config.rpc, metrics, logger, finalized?.mirror);
  const address = await app.listen({ host: config.host, port: config.port });
  const timer = setInterval(() => {
    sequencer.seal().catch((err) => logger.error({ err }, "sealing failed"));
  }, config.sequencer.batchIntervalMs);
  logger.info(
    { url: address, dataDir: config.dataDir, sealedBatches: sequencer.view.sealedBatches },
    "sequencer listening",
  );
  return {
    url: address,
    sequencer,
    store,
    finalized,
    async stop() {
      clearInterval(timer);
      await app.close();
      await finalized?.follower.stop();
      await finalized?.mirror.close();
      // Seal what was executed, so a clean stop leaves no write-ahead entries behind.
      await sequencer.drain();
      await sequencer.close();
    },
  };
}

/** Opens the finalized mirror and starts advancing it as L1 finalizes entries. */
async function followFinality(
  config: NodeConfig,
  sequencer: Sequencer,
  finality: { readonly source: FinalitySource; readonly pollMs: number },
  logger: Logger,
) {
  const { domain, params, governance } = config.sequencer;
  const mirror = await FinalizedMirror.open(
    join(config.dataDir, "finalized"),
    { domain, params, governance },
    { cacheNodes: Math.max(1024, Math.floor(config.sequencer.stateCacheNodes / 4)) },
  );
  const follower = new FinalityFollower(mirror, sequencer.view, finality.source, logger);
  follower.start(finality.pollMs);
  return { mirror, follower };
}

/**
 * Hands sealed entries to the poster one at a time, in entry order (a settlement after its
 * epoch's end batch, and before the batches that follow it); a failed post is retried after
 * a delay, and entries L1 lost after they counted as posted (a reorg) are offered again
 * first. The L1 transaction hash is stored beside the entry.
 */
class PostingLoop {
  private readonly queue: EntryRecord[] = [];
  private busy = false;

  constructor(
    private readonly poster: BatchPoster,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly retryMs: number,
  ) {}

  /** Queues `batch` unless it is queued already; the queue stays in entry order. */
  enqueue(batch: EntryRecord): void {
    if (this.queue.some((b) => b.number === batch.number)) return;
    this.queue.push(batch);
    this.queue.sort((a, b) => a.number - b.number);
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      try {
        const posted =
          batch.kind === "settlement"
            ? await this.poster.postSettlement(batch)
            : await this.poster.post(batch);
        await this.store.write([
          { type: "put", key: KEY.batch(batch.number), value: { ...batch, ...posted } },
        ]);
        this.queue.shift();
        this.logger.info(
          { entry: batch.number, kind: batch.kind, l1TxHash: posted.l1TxHash },
          `${batch.kind} posted to L1`,
        );
      } catch (err) {
        if (err instanceof EntriesMissingOnL1) {
          await this.offerAgain(err);
          continue;
        }
        this.logger.warn(
          { err, entry: batch.number },
          `posting the ${batch.kind} to L1 failed; retrying in ${this.retryMs} ms`,
        );
        await new Promise((r) => setTimeout(r, this.retryMs).unref());
      }
    }
    this.busy = false;
  }

  /** Queues again, from the store, the entries L1 lost after they counted as posted. */
  private async offerAgain(missing: EntriesMissingOnL1): Promise<void> {
    this.logger.warn(
      { entry: missing.entry, lastCommitted: missing.lastCommitted },
      "entries posted before are no longer on L1 (an L1 reorg): posting them again",
    );
    for (let n = missing.lastCommitted + 1; n < missing.entry; n++) {
      // Sealed entries are on disk before they are offered.
      this.enqueue((await this.store.get<EntryRecord>(KEY.batch(n)))!);
    }
  }
}
