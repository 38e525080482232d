/**
 * Advances the finalized mirror as L1 finalizes entries: each poll asks L1 for its last
 * finalized entry and applies, in order, every sealed entry up to it that the mirror lacks,
 * reading it back from the sequencer's own database (its transactions' bytes, a settlement's
 * epoch end). The sequencer sealed every entry L1 finalized, so nothing is fetched elsewhere.
 */
import type { Logger } from "pino";
import { decodeTx } from "../../protocol/tx/codec.ts";
import type { SequencerView } from "../core/view.ts";
import type { FinalEntry, FinalizedMirror } from "./mirror.ts";

export interface FinalitySource {
  /** The last entry L1 has finalized. */
  lastFinalized(): Promise<number>;
}

export class FinalityFollower {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly mirror: FinalizedMirror,
    private readonly view: SequencerView,
    private readonly l1: FinalitySource,
    private readonly logger: Logger,
  ) {}

  /** Polls every `pollMs` until `stop`. */
  start(pollMs: number): void {
    const tick = () => {
      this.running = this.catchUp()
        .catch((err) => this.logger.warn({ err }, "advancing the finalized state failed; retrying"))
        .finally(() => {
          if (this.running) this.timer = setTimeout(tick, pollMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    const running = this.running;
    this.running = undefined;
    await running;
    clearTimeout(this.timer);
  }

  /** Applies every entry L1 finalized that the mirror lacks and the sequencer has sealed. */
  async catchUp(): Promise<void> {
    const upTo = Math.min(await this.l1.lastFinalized(), this.view.sealedBatches);
    while (this.mirror.entry < upTo) {
      await this.mirror.advance(await this.finalEntry(this.mirror.entry + 1));
      this.logger.debug({ entry: this.mirror.entry }, "finalized state advanced");
    }
  }

  private async finalEntry(n: number): Promise<FinalEntry> {
    const record = (await this.view.batch(n))!;
    if (record.kind === "settlement") {
      const end = (await this.view.batch(record.epochEnd.entry))!;
      return { record, epochEnd: end.endState };
    }
    const txs = [];
    for (const hash of record.txHashes) {
      const t = await this.view.transaction(hash);
      if (t?.status !== "sealed")
        throw new Error(`sealed entry ${n} names transaction ${hash}, which is not stored`);
      txs.push(decodeTx(t.raw));
    }
    return { record, txs };
  }
}
