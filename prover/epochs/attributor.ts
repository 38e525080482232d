import { setTimeout as sleep } from "node:timers/promises";
import type { Domain } from "../../protocol/domain.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { PrivateKey } from "../../protocol/eddsa.ts";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import type { TracinShape } from "../../protocol/rewards/tracin-witness.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import type { OpenLedgerProvider } from "../../sdk/provider.ts";
import type { InferenceInfo, SettlementResult } from "../../sdk/wire.ts";
import { methodOfId } from "../attribution/engine.ts";
import type { MethodName, TrainingRows } from "../attribution/types.ts";
import { type EpochPlan, planEpoch, type SettlementJob } from "./plan.ts";
import { listRecords } from "./records.ts";
import { inferenceScores } from "./scores.ts";
import { isTracinShape, tracinMisfit } from "./tracin-fit.ts";

/** A registered model as the attribution needs it, every part checked against the chain. */
export interface AttributableModel {
  /** The ONNX bytes, checked against the record's modelHash. */
  readonly bytes: Uint8Array;
  /** The training rows, checked against each contribution's contentRoot, in registration order. */
  readonly rows: TrainingRows;
  /** The model's training contribution ids, in the order its registration named them. */
  readonly training: readonly number[];
}

/**
 * Where the attributor reads what the chain only hashes. The store-backed implementation
 * (`storeSources` in ./sources.ts) checks every byte against the chain's hashes.
 */
export interface AttributionSources {
  model(id: number): Promise<AttributableModel>;
  /** The input the user paid for (the values its inputHash commits to), for a record of `model`. */
  input(record: Pick<InferenceInfo, "model" | "inputHash">): Promise<Float64Array>;
}

export interface EpochAttributorOptions {
  readonly provider: OpenLedgerProvider;
  readonly sources: AttributionSources;
  /** The prover account's L2 key: the sequencer takes settlements from bonded provers only. */
  readonly key: PrivateKey;
  readonly proverAccount: number;
  readonly domain: Domain;
  /**
   * The reward circuit's lanes (a `TracinShape` for `RewardSettlementTracin`, whose row lanes
   * are checked too): a settlement the circuit cannot prove is never planned.
   */
  readonly shape: SettlementShape | TracinShape;
  readonly log?: (line: string) => void;
}

/**
 * How far an epoch's settlement is: once planned, after each inference is valued (`done` of
 * the plan's `total` inferences), after each settlement is accepted (`job` of `jobs`, from 1).
 */
export type EpochProgress =
  | { readonly kind: "planned"; readonly epoch: number; readonly jobs: number; readonly total: number }
  | {
      readonly kind: "attributed";
      readonly epoch: number;
      readonly inference: number;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly kind: "settled";
      readonly epoch: number;
      readonly job: number;
      readonly jobs: number;
      readonly entry: number;
      readonly inferences: readonly number[];
    };

export interface SettleOptions {
  /** Stops before the next inference or submission; what was submitted stays settled. */
  readonly signal?: AbortSignal;
  /**
   * Records up to this id are not read (default 0: all). `follow` passes the previous epoch's
   * last inference: what that epoch left unsettled this node would skip again for the same
   * reason, so reading it every epoch would only make each epoch slower than the last.
   */
  readonly after?: number;
  readonly progress?: (p: EpochProgress) => void;
}

export interface EpochReport {
  readonly epoch: number;
  readonly method: MethodName;
  /** The epoch's last inference record (its end counters). */
  readonly lastInference: number;
  readonly plan: EpochPlan;
  readonly settled: readonly (SettlementJob & { readonly result: SettlementResult })[];
  /** False when the signal stopped it: the plan's later jobs are left for the next run. */
  readonly complete: boolean;
}

/**
 * Runs the Proof of Attribution over a closed reward epoch and submits its settlements
 * (docs/protocol.md §11): reads the epoch's unsettled inference records from the sequencer,
 * plans them into settlements of the reward circuit's size, values each inference's input
 * against the model's training rows with the governance's method, and signs and submits the
 * payable scores. Settling an epoch again is harmless: settled records carry payment 0 and
 * are not planned, so a node that stops halfway resumes where the chain stands. The unit of
 * resume is one settlement job (at most the circuit's N inferences): a job cut short is
 * valued again from its first inference, which costs at most N attributions.
 */
export class EpochAttributor {
  constructor(private readonly o: EpochAttributorOptions) {}

  /** Its sources: a prover node proving with `RewardSettlementTracin` reads the same, loaded once. */
  get sources(): AttributionSources {
    return this.o.sources;
  }

  /** The last entry of `epoch`, if it is sealed: its end counters fix the epoch's records. */
  private async epochEnd(
    epoch: number,
    epochLength: number,
  ): Promise<{ entry: number; lastInference: number } | undefined> {
    const entry = (epoch + 1) * epochLength;
    const end = await this.o.provider.getBatch(entry);
    return end ? { entry, lastInference: end.endCounters.inferences } : undefined;
  }

  async settle(epoch: number, options: SettleOptions = {}): Promise<EpochReport> {
    const { signal, progress, after = 0 } = options;
    const governance = await this.o.provider.getGovernance();
    const method = methodOfId(governance.attributionMethod);
    const end = await this.epochEnd(epoch, governance.epochLength);
    if (!end) {
      throw new OpenLedgerError(
        ErrorCode.EpochNotClosed,
        `epoch ${epoch} has not closed: its last entry ${(epoch + 1) * governance.epochLength} is not sealed`,
      );
    }
    const records = await listRecords(this.o.provider, after, end.lastInference);
    const pending = records.map((r) => ({ id: r.id, model: r.model, payment: BigInt(r.payment) }));
    const models = new Map<number, AttributableModel>();
    for (const model of new Set(pending.filter((r) => r.payment > 0n).map((r) => r.model))) {
      models.set(model, await this.o.sources.model(model));
    }
    const sizes = new Map([...models].map(([id, m]) => [id, m.training.length]));
    const unfit = new Map<number, string>();
    const shape = this.o.shape;
    if (isTracinShape(shape)) {
      for (const [id, m] of models) {
        const reason = tracinMisfit(m, shape);
        if (reason !== undefined) unfit.set(id, reason);
      }
    }
    const plan = planEpoch(epoch, end.lastInference, pending, sizes, shape, unfit);
    for (const s of plan.skipped) this.log(`epoch ${epoch}: model ${s.model} left unsettled: ${s.reason}`);
    const total = plan.jobs.reduce((n, j) => n + j.inferences.length, 0);
    progress?.({ kind: "planned", epoch, jobs: plan.jobs.length, total });

    const byId = new Map(records.map((r) => [r.id, r]));
    const settled: EpochReport["settled"][number][] = [];
    let done = 0;
    for (const job of plan.jobs) {
      const model = models.get(job.model)!;
      const scores: bigint[][] = [];
      for (const id of job.inferences) {
        if (signal?.aborted)
          return { epoch, method, lastInference: end.lastInference, plan, settled, complete: false };
        scores.push(inferenceScores(method, model, await this.o.sources.input(byId.get(id)!)));
        progress?.({ kind: "attributed", epoch, inference: id, done: ++done, total });
      }
      if (signal?.aborted)
        return { epoch, method, lastInference: end.lastInference, plan, settled, complete: false };
      const data: SettlementData = {
        epoch,
        model: job.model,
        inferences: job.inferences,
        scores,
        proverAccount: this.o.proverAccount,
      };
      const result = await this.o.provider.submitSettlement(signSettlement(data, this.o.key, this.o.domain));
      settled.push({ ...job, result });
      this.log(
        `epoch ${epoch}: settlement ${settled.length}/${plan.jobs.length}: model ${job.model}, inferences ${job.inferences.join(",")} settled as entry ${result.entry} (${result.paid} paid, ${method})`,
      );
      progress?.({
        kind: "settled",
        epoch,
        job: settled.length,
        jobs: plan.jobs.length,
        entry: result.entry,
        inferences: job.inferences,
      });
    }
    return { epoch, method, lastInference: end.lastInference, plan, settled, complete: true };
  }

  /**
   * Settles each epoch from `from` on as soon as it closes, until `signal` aborts. A failure
   * (a store that does not answer, a record whose input is missing) is logged once and the
   * epoch tried again after `idleMs`: its fees wait in escrow, nothing is lost.
   */
  async follow(
    signal: AbortSignal,
    from = 0,
    idleMs = 1000,
    progress?: (p: EpochProgress) => void,
  ): Promise<void> {
    let epoch = from;
    let after = 0;
    let lastFailure = "";
    while (!signal.aborted) {
      try {
        const { epochLength } = await this.o.provider.getGovernance();
        if (await this.epochEnd(epoch, epochLength)) {
          const report = await this.settle(epoch, { signal, progress, after });
          if (!report.complete) return;
          after = report.lastInference;
          epoch++;
          lastFailure = "";
          continue;
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (message !== lastFailure) this.log(`epoch ${epoch}: ${message}`);
        lastFailure = message;
      }
      // An abort ends the wait at once rather than after idleMs.
      await sleep(idleMs, undefined, { signal }).catch(() => {});
    }
  }

  private log(line: string): void {
    this.o.log?.(line);
  }
}
