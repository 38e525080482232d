import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Sequencer } from "../core/sequencer.ts";

/** Prometheus metrics of one sequencer, served at GET /metrics. */
export class SequencerMetrics {
  readonly registry = new Registry();
  readonly rpcCalls = new Counter({
    name: "openledger_rpc_calls_total",
    help: "JSON-RPC calls by method and outcome (ok or the error code)",
    labelNames: ["method", "outcome"] as const,
    registers: [this.registry],
  });
  readonly rpcSeconds = new Histogram({
    name: "openledger_rpc_call_seconds",
    help: "Time to answer a JSON-RPC call",
    labelNames: ["method"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: "openledger_rpc_rate_limited_total",
    help: "HTTP requests refused by the per-client rate limit",
    registers: [this.registry],
  });

  constructor(sequencer: Sequencer) {
    collectDefaultMetrics({ register: this.registry, prefix: "openledger_" });
    new Gauge({
      name: "openledger_batches_sealed",
      help: "Number of the last sealed batch",
      registers: [this.registry],
      collect() {
        this.set(sequencer.view.sealedBatches);
      },
    });
    new Gauge({
      name: "openledger_open_batch_txs",
      help: "Transactions executed in the batch not sealed yet",
      registers: [this.registry],
      collect() {
        this.set(sequencer.view.openBatch.size);
      },
    });
    new Gauge({
      name: "openledger_mempool_txs",
      help: "Transactions waiting for an earlier nonce",
      registers: [this.registry],
      collect() {
        this.set(sequencer.view.mempoolSize);
      },
    });
  }
}
