import type { Contract } from "ethers";
import type { Logger } from "pino";
import { OpenLedgerError } from "../protocol/errors.ts";
import type { QueueCursor } from "../protocol/state/state.ts";
import { type QueueOp, TX_TYPE_NAMES } from "../protocol/tx/types.ts";
import { checkRollingHash, parseOperationQueued, queueOpOf, type QueuedOperation } from "./l1-operations.ts";

/** Where relayed operations go: the sequencer, in the same process. */
export interface QueueSink {
  /** The next queue index L2 will consume and the rolling hash so far. */
  queue(): QueueCursor;
  /** Executes a queue operation on L2 (a deposit, forced withdrawal or governance order). */
  execute(op: QueueOp): Promise<unknown>;
}

export interface RelayOptions {
  /** The Rollup contract, connected to a provider. */
  readonly rollup: Contract;
  readonly sink: QueueSink;
  /** First block to scan: the rollup's deployment block. */
  readonly fromBlock: number;
  /** Blocks an event must be buried under before it is relayed (reorg safety). */
  readonly confirmations: number;
  readonly pollMs: number;
  /** Widest block range asked of the L1 node in one call. */
  readonly maxBlockRange?: number;
  readonly logger: Logger;
}

/**
 * Relays the L1 priority queue to L2 in queue order. It scans `OperationQueued` events up to
 * `confirmations` blocks below the head, skips what L2 already consumed (so a restart rescans
 * from the deployment block and resumes), and checks every operation against the rolling hash
 * L1 recorded before handing it to the sequencer. An operation L2 refuses (a hash mismatch, an
 * unknown kind) stops the relay with a clear error: skipping it would break the queue order
 * the proof enforces.
 */
export class L1QueueRelay {
  private scannedTo: number;
  private readonly seen = new Map<bigint, QueuedOperation>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly opts: RelayOptions) {
    this.scannedTo = opts.fromBlock - 1;
  }

  /** The error that stopped the relay, if one did. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Scans new confirmed blocks and relays what is next in the queue; returns how many it relayed. */
  async poll(): Promise<number> {
    await this.scan();
    let relayed = 0;
    for (;;) {
      const cursor = this.opts.sink.queue();
      for (const index of this.seen.keys()) if (index < cursor.next) this.seen.delete(index);
      const op = this.seen.get(cursor.next);
      if (!op) return relayed;
      const l2 = queueOpOf(op);
      checkRollingHash(cursor.hash, l2, op);
      await this.opts.sink.execute(l2);
      this.seen.delete(op.index);
      relayed++;
      this.opts.logger.info(
        { queueIndex: op.index.toString(), account: op.account, amount: op.amount.toString() },
        `${TX_TYPE_NAMES[l2.type]} relayed from L1`,
      );
    }
  }

  start(): void {
    const tick = () => {
      this.running = this.poll()
        .then(() => undefined)
        .catch((err: unknown) => {
          if (err instanceof OpenLedgerError) {
            this.failure = err;
            this.opts.logger.error({ code: err.code, err: err.message }, "L1 queue relay stopped");
            return;
          }
          this.opts.logger.warn({ err }, "L1 queue relay: L1 read failed, retrying");
        })
        .finally(() => {
          if (!this.failure && this.timer !== undefined) this.timer = setTimeout(tick, this.opts.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async scan(): Promise<void> {
    const { rollup, confirmations } = this.opts;
    const provider = rollup.runner?.provider;
    if (!provider) throw new Error("the rollup contract needs a provider");
    const safe = (await provider.getBlockNumber()) - confirmations;
    const range = this.opts.maxBlockRange ?? 5000;
    while (this.scannedTo < safe) {
      const from = this.scannedTo + 1;
      const to = Math.min(safe, from + range - 1);
      const logs = await rollup.queryFilter(rollup.filters.OperationQueued!(), from, to);
      for (const log of logs) {
        const parsed = rollup.interface.parseLog(log);
        if (parsed) {
          const op = parseOperationQueued(parsed, log);
          this.seen.set(op.index, op);
        }
      }
      this.scannedTo = to;
    }
  }
}
