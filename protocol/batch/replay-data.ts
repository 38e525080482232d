import type { Signature } from "../eddsa.ts";
import { CodedError, ErrorCode, OpenLedgerError } from "../errors.ts";
import { type Field, fieldToHex } from "../field.ts";
import type { RollupState, TrainingSet } from "../state/state.ts";
import { unpackCurators } from "../tx/fields.ts";
import {
  type CurationMode,
  isQueueOp,
  type QueueOp,
  type SignedTx,
  TX_TYPE_NAMES,
  TxType,
} from "../tx/types.ts";
import { type BatchTx, type BuiltBatch, BatchBuilder } from "./builder.ts";
import { type BatchShape, decodeBatchLayout, type RegistryRecord, type SlotRecord } from "./layout.ts";

/**
 * Replays a batch from its posted data alone (docs/protocol.md section 8.1): the records of
 * the blob, the queue operations L1 holds, and the training lists of the models it registers.
 * Each record becomes the transaction it stands for and goes through the same BatchBuilder
 * (so the same state transition) the sequencer sealed with; the batch is then encoded again
 * and must give the posted bytes, so a record read any other way than it was written stops
 * the replay at once. The state root is the caller's to hash and compare with L1's.
 */

/** Where a registered model's training list comes from, by the descriptor its leaf holds. */
export type TrainingSetOf = (descriptor: Field) => TrainingSet | undefined;

/**
 * Batch data carries no signatures (section 8.1): the batch proof checked them, and a replay is
 * judged by the state root L1 committed, so replayed transactions are applied as checked.
 */
const UNPOSTED_SIGNATURE: Signature = { R8: { x: 0n, y: 1n }, S: 0n };

export function replayBatchData(
  state: RollupState,
  shape: BatchShape,
  data: Uint8Array,
  queueOps: readonly QueueOp[],
  trainingSetOf: TrainingSetOf,
): BuiltBatch {
  const decoded = decodeBatchLayout(shape, data);
  const builder = new BatchBuilder(state, shape, decoded.feeRecipient);
  const queue = [...queueOps];
  let registry = 0;
  decoded.records.forEach((record, i) => {
    const where = `record ${i} (${TX_TYPE_NAMES[record.type as TxType] ?? `type ${record.type}`})`;
    try {
      let tx: BatchTx;
      if (record.type >= TxType.Deposit && record.type <= TxType.Slash) {
        tx = nextQueueOp(queue, record);
      } else {
        const registered = REGISTRY_TYPES.has(record.type) ? decoded.registryRecords[registry++] : undefined;
        const recipient = decoded.recipients[builder.context.withdrawals.length]!;
        tx = l2TxOf(state, record, registered, recipient, trainingSetOf);
      }
      builder.add(tx, { signatureChecked: true });
    } catch (e) {
      if (e instanceof CodedError) throw new OpenLedgerError(e.code as ErrorCode, `${where}: ${e.message}`);
      throw e;
    }
  });
  if (queue.length > 0) {
    throw new OpenLedgerError(
      ErrorCode.QueueOrder,
      `the batch consumes ${queueOps.length - queue.length} queue operations, L1 says ${queueOps.length}`,
    );
  }
  const built = builder.close();
  if (Buffer.compare(Buffer.from(built.data), Buffer.from(data)) !== 0) {
    throw new OpenLedgerError(
      ErrorCode.InvalidEncoding,
      "the replayed batch does not encode to the posted data: a record is not what it claims",
    );
  }
  return built;
}

const REGISTRY_TYPES: ReadonlySet<number> = new Set([
  TxType.RegisterContribution,
  TxType.RegisterModel,
  TxType.Inference,
  TxType.CreateDatanet,
  TxType.Curate,
]);

function nextQueueOp(queue: QueueOp[], record: SlotRecord): QueueOp {
  const op = queue.shift();
  if (!op || op.type !== record.type || !isQueueOp(op)) {
    throw new OpenLedgerError(
      ErrorCode.QueueOrder,
      op
        ? `the posted record is a ${TX_TYPE_NAMES[record.type as TxType]}, the next L1 queue operation (${op.queueIndex}) a ${TX_TYPE_NAMES[op.type]}`
        : "the posted record is a queue operation past the range L1 says the batch consumed",
    );
  }
  return op;
}

/** The L2 transaction a record stands for, at the sender's next nonce. */
function l2TxOf(
  state: RollupState,
  r: SlotRecord,
  reg: RegistryRecord | undefined,
  recipient: string,
  trainingSetOf: TrainingSetOf,
): SignedTx {
  const base = {
    from: r.a,
    nonce: state.accounts.get(r.a)?.nonce ?? 0,
    fee: r.fee,
    signature: UNPOSTED_SIGNATURE,
  };
  const registry = (): RegistryRecord => {
    if (!reg || reg.type !== r.type) {
      throw new OpenLedgerError(
        ErrorCode.InvalidEncoding,
        "its registry record is missing or of another type",
      );
    }
    return reg;
  };
  switch (r.type) {
    case TxType.Transfer:
      return { ...base, type: TxType.Transfer, to: r.b, amount: r.amount };
    case TxType.Withdraw:
      return { ...base, type: TxType.Withdraw, amount: r.amount, recipient };
    case TxType.Stake:
      return { ...base, type: TxType.Stake, amount: r.amount };
    case TxType.Unstake:
      return { ...base, type: TxType.Unstake, amount: r.amount };
    case TxType.RegisterContribution: {
      const g = registry();
      return {
        ...base,
        type: TxType.RegisterContribution,
        datanet: g.w0,
        contentRoot: g.h1,
        uriCommitment: g.h2,
        rowCount: g.w4,
        license: g.w5,
        stake: r.amount,
      };
    }
    case TxType.RegisterModel: {
      const g = registry();
      // The training list is not posted (section 8.1): it comes from outside, and the
      // descriptor it hashes to must be the posted one (the re-encoding checks it).
      const training = trainingSetOf(g.h2);
      if (!training) {
        throw new OpenLedgerError(
          ErrorCode.UnknownModel,
          `the training list of descriptor ${fieldToHex(g.h2)} is not available: it is off-chain content, kept by the sequencer and the model's owner`,
        );
      }
      return {
        ...base,
        type: TxType.RegisterModel,
        baseModel: g.w0,
        modelHash: g.h1,
        checkpointCommitment: g.h3,
        trainingConfigHash: training.trainingConfigHash,
        contributions: training.contributions,
        inferenceFee: r.amount,
      };
    }
    case TxType.Inference: {
      const g = registry();
      return {
        ...base,
        type: TxType.Inference,
        model: g.w0,
        inputHash: g.h1,
        outputHash: g.h2,
        featureCommitment: g.h3,
        payment: r.amount,
      };
    }
    case TxType.CreateDatanet: {
      const g = registry();
      return {
        ...base,
        type: TxType.CreateDatanet,
        licensePolicy: g.w0,
        metadataHash: g.h1,
        curators: unpackCurators(g.h2),
        curationMode: g.w5 as CurationMode,
        minStake: r.amount,
      };
    }
    case TxType.Curate: {
      const g = registry();
      return { ...base, type: TxType.Curate, contribution: g.w0, accept: g.w5 === 1 };
    }
    default:
      throw new OpenLedgerError(ErrorCode.InvalidEncoding, `unknown transaction type ${r.type}`);
  }
}
