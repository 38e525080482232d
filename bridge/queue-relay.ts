import type { Contract, Provider } from "ethers";
import type { Logger } from "pino";
import { CodedError } from "../protocol/errors.ts";
import type { Field } from "../protocol/field.ts";
import type { QueueCursor } from "../protocol/state/state.ts";
import { type QueueOp, TX_TYPE_NAMES } from "../protocol/tx/types.ts";
import { BlockCheckpoints } from "./block-checkpoints.ts";
import { BridgeError, BridgeErrorCode } from "./errors.ts";
import { checkRollingHash, parseOperationQueued, queueOpOf, type QueuedOperation } from "./l1-operations.ts";

/** Which L1 operation the relay handed L2 at a queue index, and where L1 held it then. */
export interface RelayedOp {
  readonly index: bigint;
  /** H_{index+1}: it commits to this operation and every one before it. */
  readonly rollingHash: Field;
  readonly blockNumber: number;
  readonly blockHash: string;
}

/** Where relayed operations go: the sequencer, in the same process. */
export interface QueueSink {
  /** The next queue index L2 will consume and the rolling hash so far. */
  queue(): QueueCursor;
  /** Executes a queue operation on L2 (a deposit, forced withdrawal or governance order). */
  execute(op: QueueOp): Promise<unknown>;
  /** The durable record of what was relayed at `index`, if anything was. */
  relayed(index: bigint): Promise<RelayedOp | undefined>;
  /** Durably records an operation before it is executed. */
  recordRelayed(op: RelayedOp): Promise<void>;
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

/** Scanned blocks remembered to notice a reorg: one per poll that found new confirmed blocks. */
const CHECKPOINTS = 256;

/**
 * Relays the L1 priority queue to L2 in queue order. It scans `OperationQueued` events up to
 * `confirmations` blocks below the head, skips what L2 already consumed (so a restart rescans
 * from the deployment block and resumes), and checks every operation against the rolling hash
 * L1 recorded before handing it to the sequencer. An operation L2 refuses (a hash mismatch, an
 * unknown kind) stops the relay with a clear error: skipping it would break the queue order
 * the proof enforces.
 *
 * It follows L1 by block hash (docs/protocol.md section 8.3): when a block it read
 * is no longer canonical it rescans from the last block that still is. An operation L2
 * already executed is recognised by its queue index and rolling hash when it reappears, and
 * is not executed again; a different operation at that index stops the relay
 * (QUEUE_REORGED), since L2's state then holds an operation L1 does not.
 */
export class L1QueueRelay {
  private scannedTo: number;
  private readonly checkpoints = new BlockCheckpoints(CHECKPOINTS);
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
    if (await this.checkpoints.dropOrphaned((n) => this.canonicalHash(n))) {
      this.rewind("a block it read is no longer on L1");
    }
    await this.scan();
    let relayed = 0;
    for (;;) {
      const cursor = this.opts.sink.queue();
      await this.recognise(cursor);
      const op = this.seen.get(cursor.next);
      if (!op) return relayed;
      // The scan may have raced a reorg: act only on an operation whose block is canonical now.
      if (!(await this.stillOnL1(op))) return relayed;
      const l2 = queueOpOf(op);
      checkRollingHash(cursor.hash, l2, op);
      // Recorded first, so every operation L2 consumed has a record even if the process dies here.
      await this.opts.sink.recordRelayed(relayedOf(op));
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
          // Coded errors are L2 or L1 disagreeing with the queue; others are reads to retry.
          if (err instanceof CodedError) {
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

  /**
   * Checks the operations L1 shows at indexes L2 already consumed against what was relayed
   * there: the same one (by rolling hash) is not executed again, wherever L1 now holds it.
   */
  private async recognise(cursor: QueueCursor): Promise<void> {
    const consumed = [...this.seen.values()]
      .filter((op) => op.index < cursor.next)
      .sort((a, b) => (a.index < b.index ? -1 : 1));
    for (const op of consumed) {
      const relayed = (await this.opts.sink.relayed(op.index)) ?? (await this.vouched(op, cursor));
      if (!relayed) return;
      if (relayed.rollingHash !== op.rollingHash) {
        await this.halt(op, `the one relayed from block ${relayed.blockNumber} (${relayed.blockHash})`);
        return;
      }
      if (relayed.blockHash !== op.blockHash) {
        await this.opts.sink.recordRelayed(relayedOf(op));
        this.opts.logger.warn(
          { queueIndex: op.index.toString(), from: relayed.blockNumber, to: op.blockNumber },
          "queue operation already executed on L2 is now in another L1 block: not executed again",
        );
      }
      this.seen.delete(op.index);
    }
  }

  /**
   * For an operation relayed before the relay kept records: L1's rolling hash at L2's cursor,
   * if it is L2's, vouches for every operation before it (each hash commits to all earlier
   * ones), and the operation is recorded now. Undefined while L1 does not show that far.
   */
  private async vouched(op: QueuedOperation, cursor: QueueCursor): Promise<RelayedOp | undefined> {
    const last = this.seen.get(cursor.next - 1n);
    if (!last) return undefined;
    if (last.rollingHash !== cursor.hash) {
      await this.halt(last, `the one L2 executed (L2's rolling hash after it is ${cursor.hash})`);
      return undefined;
    }
    const relayed = relayedOf(op);
    await this.opts.sink.recordRelayed(relayed);
    return relayed;
  }

  /**
   * Stops the relay: L1's canonical queue holds `op` where L2 executed `executed`. Returns
   * (after forgetting what was read from its block on) if `op` came from a read that raced a
   * reorg instead.
   */
  private async halt(op: QueuedOperation, executed: string): Promise<void> {
    if (!(await this.stillOnL1(op))) return;
    throw new BridgeError(
      BridgeErrorCode.QueueReorged,
      `L1 reorganised: queue operation ${op.index} in block ${op.blockNumber} is not ${executed}, which L2 already executed; ` +
        "L2's state holds an operation L1 does not, and the relay stops for an operator to decide",
      { queueIndex: op.index, l1Block: op.blockNumber },
    );
  }

  /** Whether `op`'s block is canonical; if not, forgets what was read from it on. */
  private async stillOnL1(op: QueuedOperation): Promise<boolean> {
    if ((await this.canonicalHash(op.blockNumber)) === op.blockHash) return true;
    this.checkpoints.dropFrom(op.blockNumber);
    this.rewind(`block ${op.blockNumber} of queue operation ${op.index} is no longer on L1`);
    return false;
  }

  /** Forgets what was read above the last canonical checkpoint; the next scan reads it again. */
  private rewind(why: string): void {
    this.scannedTo = this.checkpoints.last?.number ?? this.opts.fromBlock - 1;
    for (const [index, op] of this.seen) if (op.blockNumber > this.scannedTo) this.seen.delete(index);
    this.opts.logger.warn({ rescanFrom: this.scannedTo + 1 }, `L1 reorganised (${why}): rescanning`);
  }

  private get provider(): Provider {
    const provider = this.opts.rollup.runner?.provider;
    if (!provider) throw new Error("the rollup contract needs a provider");
    return provider;
  }

  private async canonicalHash(n: number): Promise<string | undefined> {
    return (await this.provider.getBlock(n))?.hash ?? undefined;
  }

  private async scan(): Promise<void> {
    const safe = (await this.provider.getBlockNumber()) - this.opts.confirmations;
    const range = this.opts.maxBlockRange ?? 5000;
    const { rollup } = this.opts;
    while (this.scannedTo < safe) {
      const from = this.scannedTo + 1;
      const to = Math.min(safe, from + range - 1);
      // The checkpoint's hash is read before the logs: if L1 reorganises in between, the
      // checkpoint is the old branch's and the next poll notices.
      const hash = await this.canonicalHash(to);
      if (hash === undefined) return;
      const logs = await rollup.queryFilter(rollup.filters.OperationQueued!(), from, to);
      for (const log of logs) {
        const parsed = rollup.interface.parseLog(log);
        if (parsed) {
          const op = parseOperationQueued(parsed, log);
          this.seen.set(op.index, op);
        }
      }
      this.checkpoints.add({ number: to, hash });
      this.scannedTo = to;
    }
  }
}

function relayedOf(op: QueuedOperation): RelayedOp {
  return {
    index: op.index,
    rollingHash: op.rollingHash,
    blockNumber: op.blockNumber,
    blockHash: op.blockHash,
  };
}
