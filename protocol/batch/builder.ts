import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { type AppliedTx, type ApplyOptions, applyTx } from "../state/apply.ts";
import { type BatchContext, type FinishedBatch, finishBatch } from "../state/batch.ts";
import type { QueueCursor, RollupState } from "../state/state.ts";
import { type QueueOp, type SignedTx, TX_TYPE_NAMES, TxType } from "../tx/types.ts";
import {
  type BatchShape,
  encodeBatchLayout,
  type RegistryRecord,
  registryRecord,
  type SlotRecord,
  slotRecord,
} from "./layout.ts";

export type BatchTx = SignedTx | QueueOp;

/** A transaction applied to the batch, with the records the batch data posts for it. */
export interface BuiltTx extends AppliedTx {
  readonly tx: BatchTx;
  /** Its account slot's record in the fixed layout. */
  readonly record: SlotRecord;
  /** Its registry record (register contribution or model, inference, create Datanet, curate). */
  readonly registry?: RegistryRecord;
}

/** A closed batch: the fee credit applied, the data encoded; the state root is the caller's to hash. */
export interface BuiltBatch extends FinishedBatch {
  readonly feeRecipient: number;
  readonly txs: readonly BuiltTx[];
  /** The fixed-layout batch data (section 8) that the blob carries. */
  readonly data: Uint8Array;
}

/** The types that take a registry slot besides their account slot. */
const REGISTRY_TYPES: ReadonlySet<TxType> = new Set([
  TxType.RegisterContribution,
  TxType.RegisterModel,
  TxType.Inference,
  TxType.CreateDatanet,
  TxType.Curate,
]);

/** A withdrawal, or a deposit or forced withdrawal that may turn into one (a refund, a payout). */
const MAY_WITHDRAW: ReadonlySet<TxType> = new Set([TxType.Withdraw, TxType.Deposit, TxType.ForcedWithdrawal]);

/**
 * Refuses a transaction type the layout has no room for at all: a batch holding it could never
 * be sealed in the circuit's layout, and so never proven.
 */
export function checkLayoutSupports(shape: BatchShape, type: TxType): void {
  const withdraws = type === TxType.Withdraw || type === TxType.ForcedWithdrawal;
  if (withdraws && shape.withdrawals === 0) {
    throw new OpenLedgerError(
      ErrorCode.UnsupportedByLayout,
      `${TX_TYPE_NAMES[type]} refused: this sequencer's batch layout has 0 withdrawal entries (batchWithdrawals)`,
      { limit: "batchWithdrawals", value: 0 },
    );
  }
  if (REGISTRY_TYPES.has(type) && (shape.registrySlots ?? 0) === 0) {
    throw new OpenLedgerError(
      ErrorCode.UnsupportedByLayout,
      `${TX_TYPE_NAMES[type]} refused: this sequencer's batch layout has 0 registry slots (batchRegistrySlots)`,
      { limit: "batchRegistrySlots", value: 0 },
    );
  }
}

/**
 * One batch under construction, in the circuit's layout (Hermez's BatchBuilder): it knows what
 * fits, applies each transaction through the shared state transition, builds its records once,
 * and closes the batch into its data. The sequencer seals with it and the witness builder
 * proves with it, so the layout's limits live here alone. A reward epoch's builder will have
 * the same shape (fits, add, close) over inference records.
 */
export class BatchBuilder {
  readonly context: BatchContext & { readonly queueStart: QueueCursor };
  private readonly built: BuiltTx[] = [];
  private registryCount = 0;

  constructor(
    private readonly state: RollupState,
    readonly shape: BatchShape,
    readonly feeRecipient: number,
  ) {
    this.context = { feeTotal: 0n, withdrawals: [], queueStart: state.queue };
  }

  get txs(): readonly BuiltTx[] {
    return this.built;
  }

  get size(): number {
    return this.built.length;
  }

  /** Every account slot is taken. */
  get full(): boolean {
    return this.built.length >= this.shape.slots;
  }

  /**
   * Whether `tx` can join this batch whatever it turns out to do: a slot free, a withdrawal
   * entry free if it may withdraw, a registry slot free if it needs one, and no parameter change
   * yet if it is one (a batch applies one, when it closes).
   */
  fits(tx: BatchTx): boolean {
    if (this.full) return false;
    const { withdrawals } = this.shape;
    if (MAY_WITHDRAW.has(tx.type) && withdrawals > 0 && this.context.withdrawals.length >= withdrawals)
      return false;
    if (tx.type === TxType.SetParameter && this.context.governanceAfter !== undefined) return false;
    return !REGISTRY_TYPES.has(tx.type) || this.registryCount < (this.shape.registrySlots ?? 0);
  }

  /**
   * Applies `tx` at the next slot. Throws the state transition's error if it is invalid (the
   * state is then unchanged), or a layout error if the batch has no room left for it.
   */
  add(tx: BatchTx, opts: ApplyOptions = {}): BuiltTx {
    if (this.full) {
      throw new OpenLedgerError(
        ErrorCode.InvalidTransaction,
        `batch is full: the circuit takes ${this.shape.slots} transactions`,
      );
    }
    const registrySlots = this.shape.registrySlots ?? 0;
    if (REGISTRY_TYPES.has(tx.type) && this.registryCount >= registrySlots) {
      throw new OpenLedgerError(
        ErrorCode.InvalidTransaction,
        `batch has ${this.registryCount + 1} registry transactions, the circuit takes ${registrySlots}`,
      );
    }
    const applied = applyTx(this.state, this.context, tx, opts);
    if (this.context.withdrawals.length > this.shape.withdrawals) {
      throw new OpenLedgerError(
        ErrorCode.TreeFull,
        `batch has ${this.context.withdrawals.length} withdrawals, the circuit takes ${this.shape.withdrawals}`,
      );
    }
    const built: BuiltTx = {
      ...applied,
      tx,
      record: slotRecord(tx, applied.receipt),
      registry: registryRecord(tx, this.trainingDescriptorOf(applied)),
    };
    if (built.registry) this.registryCount++;
    this.built.push(built);
    return built;
  }

  /** Credits the fees, applies the batch's parameter change and encodes its data. */
  close(): BuiltBatch {
    const finished = finishBatch(this.state, this.context, this.feeRecipient);
    const data = encodeBatchLayout(
      this.shape,
      this.feeRecipient,
      this.built.map((t) => t.record),
      finished.withdrawals.map((w) => w.recipient),
      this.built.flatMap((t) => (t.registry ? [t.registry] : [])),
    );
    return { ...finished, feeRecipient: this.feeRecipient, txs: this.built, data };
  }

  /** A registered model's descriptor, as the state transition computed it for the leaf. */
  private trainingDescriptorOf(applied: AppliedTx): Field {
    const created = applied.receipt.created;
    return created?.registry === "model" ? this.state.models.get(created.id)!.trainingDescriptor : 0n;
  }
}
