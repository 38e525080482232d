import type { Domain } from "../../protocol/domain.ts";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";
import type { PrivateKey } from "../../protocol/eddsa.ts";
import type { SettlementShape } from "../../protocol/rewards/commitment.ts";
import type { SettlementData } from "../../protocol/rewards/encoding.ts";
import { signSettlement } from "../../protocol/rewards/sign.ts";
import type { OpenLedgerProvider } from "../../sdk/provider.ts";
import type { InferenceInfo, SettlementResult } from "../../sdk/wire.ts";
import { attribute, type MethodParams, methodOfId } from "../attribution/engine.ts";
import { payableScores } from "../attribution/settlement-scores.ts";
import type { MethodName, TrainingRows } from "../attribution/types.ts";
import { type EpochPlan, planEpoch, type SettlementJob } from "./plan.ts";
import { listRecords } from "./records.ts";

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
  /** The input the user paid for (the values its inputHash commits to). */
  input(record: InferenceInfo): Promise<Float64Array>;
}

export interface EpochAttributorOptions {
  readonly provider: OpenLedgerProvider;
  readonly sources: AttributionSources;
  /** The prover account's L2 key: the sequencer takes settlements from bonded provers only. */
  readonly key: PrivateKey;
  readonly proverAccount: number;
  readonly domain: Domain;
  /** The reward circuit's lanes: a settlement the circuit cannot prove is never planned. */
  readonly shape: SettlementShape;
  readonly params?: Partial<MethodParams>;
  readonly log?: (line: string) => void;
}

export interface EpochReport {
  readonly epoch: number;
  readonly method: MethodName;
  readonly plan: EpochPlan;
  readonly settled: readonly (SettlementJob & { readonly result: SettlementResult })[];
}

/**
 * Runs the Proof of Attribution over a closed reward epoch and submits its settlements
 * (docs/protocol.md §11): reads the epoch's unsettled inference records from the sequencer,
 * plans them into settlements of the reward circuit's size, values each inference's input
 * against the model's training rows with the governance's method, and signs and submits the
 * payable scores. Settling an epoch again is harmless: settled records carry payment 0 and
 * are not planned, so a node that stops halfway resumes where the chain stands.
 */
export class EpochAttributor {
  constructor(private readonly o: EpochAttributorOptions) {}

  /** The last entry of `epoch`, if it is sealed: its end counters fix the epoch's records. */
  private async epochEnd(
    epoch: number,
    epochLength: number,
  ): Promise<{ entry: number; lastInference: number } | undefined> {
    const entry = (epoch + 1) * epochLength;
    const end = await this.o.provider.getBatch(entry);
    return end ? { entry, lastInference: end.endCounters.inferences } : undefined;
  }

  async settle(epoch: number): Promise<EpochReport> {
    const governance = await this.o.provider.getGovernance();
    const method = methodOfId(governance.attributionMethod);
    const end = await this.epochEnd(epoch, governance.epochLength);
    if (!end) {
      throw new OpenLedgerError(
        ErrorCode.EpochNotClosed,
        `epoch ${epoch} has not closed: its last entry ${(epoch + 1) * governance.epochLength} is not sealed`,
      );
    }
    const records = await listRecords(this.o.provider, 0, end.lastInference);
    const pending = records.map((r) => ({ id: r.id, model: r.model, payment: BigInt(r.payment) }));
    const models = new Map<number, AttributableModel>();
    for (const model of new Set(pending.filter((r) => r.payment > 0n).map((r) => r.model))) {
      models.set(model, await this.o.sources.model(model));
    }
    const sizes = new Map([...models].map(([id, m]) => [id, m.training.length]));
    const plan = planEpoch(epoch, end.lastInference, pending, sizes, this.o.shape);
    for (const s of plan.skipped) this.log(`epoch ${epoch}: model ${s.model} left unsettled: ${s.reason}`);

    const byId = new Map(records.map((r) => [r.id, r]));
    const settled: EpochReport["settled"][number][] = [];
    for (const job of plan.jobs) {
      const model = models.get(job.model)!;
      const scores: bigint[][] = [];
      for (const id of job.inferences) {
        const x = await this.o.sources.input(byId.get(id)!);
        const result = attribute(method, model.bytes, model.rows, { x }, this.o.params);
        scores.push(payableScores(result, model.training));
      }
      const data: SettlementData = {
        epoch,
        model: job.model,
        inferences: job.inferences,
        scores,
        proverAccount: this.o.proverAccount,
      };
      const result = await this.o.provider.submitSettlement(signSettlement(data, this.o.key, this.o.domain));
      this.log(
        `epoch ${epoch}: model ${job.model}, inferences ${job.inferences.join(",")} settled as entry ${result.entry} (${result.paid} paid, ${method})`,
      );
      settled.push({ ...job, result });
    }
    return { epoch, method, plan, settled };
  }

  /**
   * Settles each epoch from `from` on as soon as it closes, until `signal` aborts. A failure
   * (a store that does not answer, a record whose input is missing) is logged once and the
   * epoch tried again after `idleMs`: its fees wait in escrow, nothing is lost.
   */
  async follow(signal: AbortSignal, from = 0, idleMs = 1000): Promise<void> {
    let epoch = from;
    let lastFailure = "";
    while (!signal.aborted) {
      try {
        const { epochLength } = await this.o.provider.getGovernance();
        if (await this.epochEnd(epoch, epochLength)) {
          await this.settle(epoch);
          epoch++;
          lastFailure = "";
          continue;
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (message !== lastFailure) this.log(`epoch ${epoch}: ${message}`);
        lastFailure = message;
      }
      await new Promise((r) => setTimeout(r, idleMs));
    }
  }

  private log(line: string): void {
    this.o.log?.(line);
  }
}
