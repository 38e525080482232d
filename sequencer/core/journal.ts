import type { Logger } from "pino";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { Store, StoreOp } from "../storage/store.ts";

/**
 * The sequencer's writes to LevelDB, in order, with a latch. The state already holds a write's
 * effects when it is made, so a failed write leaves memory ahead of disk: from then on the
 * sequencer refuses every transaction rather than answer for one it could lose.
 */
export class Journal {
  private failure: unknown;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** Writes `ops` atomically after every earlier write; resolves once they are durable. */
  async write(ops: StoreOp[]): Promise<void> {
    try {
      await this.store.write(ops);
    } catch (e) {
      this.failure = e;
      this.logger.fatal({ err: e }, "LevelDB write failed; the sequencer stops accepting transactions");
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        "the sequencer could not write to its database",
        undefined,
        { cause: e },
      );
    }
  }

  checkHealthy(): void {
    if (this.failure)
      throw new OpenLedgerError(
        ErrorCode.StateCorrupt,
        "the sequencer stopped after a database write failure",
      );
  }
}
