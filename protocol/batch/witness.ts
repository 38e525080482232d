/**
 * Builds the batch circuit's input (circuits/lib/batch/batch.circom) by replaying a batch
 * through the shared state transition (protocol/state) in witness mode: every leaf the
 * circuit opens is read from the state the TypeScript holds at that moment, and every Merkle
 * path is the one applyTx recorded. The circuit then recomputes everything and must reach the
 * same roots and public input. The prover node and the shared test vectors use it.
 */
import { type BlobOpening, blobOpening } from "../blob/challenge.ts";
import { addressToField } from "../domain.ts";
import { derivePublicKey, signMessage } from "../eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { bytesToBigIntBE, type Field } from "../field.ts";
import { encodeFloat40 } from "../float40.ts";
import { capacity } from "../smt.ts";
import type { ClosedBatch } from "../state/batch.ts";
import { queueOpWords, type Receipt } from "../state/apply.ts";
import {
  type Account,
  contributionFields,
  countersFields,
  datanetFields,
  governanceParamsFields,
  modelFields,
  packAccountState,
} from "../state/leaves.ts";
import type { LeafUpdate, RollupState } from "../state/state.ts";
import { packCurators, trainingSetRoot } from "../tx/fields.ts";
import { isQueueOp, MAX_CURATORS, type QueueOp, type SignedTx, TxType } from "../tx/types.ts";
import { BatchBuilder, type BatchTx } from "./builder.ts";
import {
  type BatchClaims,
  type BatchShape,
  batchCommitment,
  NOOP_RECORD,
  proofPublicInput,
  type RegistryRecord,
  type SlotRecord,
} from "./layout.ts";

export type { BatchTx } from "./builder.ts";

/** What L1 binds a batch proof to: the prover submitting it and the versioned hash of the batch's blob. */
export interface ProofBinding {
  readonly prover: string;
  readonly versionedHash: Uint8Array;
}

/** Circuit input: field names as in circuits/lib/batch/batch.circom, values as decimal strings. */
export type BatchCircuitInput = Record<string, string | string[] | string[][] | string[][][]>;

export interface BatchWitness {
  readonly input: BatchCircuitInput;
  readonly data: Uint8Array;
  readonly claims: BatchClaims;
  /** The opening of the batch's blob that commitBatch checked. */
  readonly blob: BlobOpening;
  /** What commitBatch records for the batch. */
  readonly commitment: Field;
  /** The proof's public input: the commitment bound to the prover's L1 address. */
  readonly publicInput: Field;
  readonly closed: ClosedBatch;
  readonly receipts: readonly Receipt[];
}

/**
 * Slots without a signature still run the verifier's point arithmetic (disabled); a real
 * signature keeps that arithmetic away from degenerate points. Its key is public on purpose.
 */
const DUMMY_KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const dummy = (() => {
  const pub = derivePublicKey(DUMMY_KEY);
  const sig = signMessage(DUMMY_KEY, 0n);
  return { ax: pub.x, ay: pub.y, r8x: sig.R8.x, r8y: sig.R8.y, s: sig.S };
})();

interface SlotInput {
  record: SlotRecord;
  recipient: Field;
  payload: readonly Field[];
  sig: { ax: Field; ay: Field; r8x: Field; r8y: Field; s: Field };
  leafA: { l1: Field; packed: Field };
  siblingsA: readonly (readonly Field[])[];
  leafB: { x: Field; y: Field; l1: Field; packed: Field };
  siblingsB: readonly (readonly Field[])[];
  queue: QueueInput;
}

/** The queue operation a slot consumes (see account_slot.circom). */
interface QueueInput {
  words: readonly Field[];
  existing: Field;
  capped: Field;
}

/** A registry slot: the transaction's fields, the account slot it pairs with, the model it pays. */
interface RegistryInput {
  record: RegistryRecord;
  slot: number;
  from: number;
  nonce: number;
  fee: bigint;
  amount: bigint;
  payload: readonly Field[];
  model: readonly Field[];
  /** Register model: trainingConfigHash, trainingSetRoot, maxId. */
  training: readonly Field[];
  /** The Datanet leaf's fields: created, contributed to, or of the contribution curated. */
  datanet: readonly Field[];
  /** Curate: the contribution's leaf fields before, and its Datanet's curators, one per word. */
  contribution: readonly Field[];
  curators: readonly Field[];
  siblings: Record<RegistryTree, readonly (readonly Field[])[]>;
}

type RegistryTree = "contributions" | "models" | "inferences" | "datanets";

const NO_PAYLOAD: readonly Field[] = [0n, 0n, 0n, 0n, 0n];
const NO_MODEL: readonly Field[] = [0n, 0n, 0n, 0n, 0n, 0n, 0n];
const NO_TRAINING: readonly Field[] = [0n, 0n, 0n];
const NO_DATANET: readonly Field[] = [0n, 0n, 0n, 0n, 0n, 0n];
const NO_CONTRIBUTION: readonly Field[] = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n];
const NO_CURATORS: readonly Field[] = new Array<Field>(MAX_CURATORS).fill(0n);
const NO_LEAF = { x: 0n, y: 0n, l1: 0n, packed: 0n };
const NO_QUEUE_OP: QueueInput = { words: [0n, 0n, 0n, 0n, 0n], existing: 0n, capped: 0n };

function leafOf(a: Account) {
  return { x: a.publicKey.x, y: a.publicKey.y, l1: addressToField(a.l1Address), packed: packAccountState(a) };
}

function accountUpdate(
  updates: readonly LeafUpdate[],
  n: number,
  tree: LeafUpdate["tree"] = "accounts",
): LeafUpdate {
  const u = updates.filter((x) => x.tree === tree)[n];
  if (!u)
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      "the state transition recorded fewer account updates than the slot needs",
    );
  return u;
}

/**
 * Applies `txs` to `state` (which must be in witness mode) as one batch closed with
 * `feeRecipient`, and returns the circuit input for a proof of the batch whose blob has
 * `binding.versionedHash`, submitted by the L1 address `binding.prover` (the public input binds
 * both). Throws the state transition's error if a transaction is invalid, or the batch
 * builder's if the layout has no room for it: a batch the TypeScript refuses has no witness.
 */
export function buildBatchWitness(
  state: RollupState,
  txs: readonly BatchTx[],
  feeRecipient: number,
  shape: BatchShape,
  binding: ProofBinding,
): BatchWitness {
  const before = { roots: state.roots(), counters: state.counters, governance: state.governance };
  const preStateRoot = state.root();
  const builder = new BatchBuilder(state, shape, feeRecipient);
  const slots: SlotInput[] = [];
  const registry: RegistryInput[] = [];
  for (const tx of txs) {
    if (isQueueOp(tx)) slots.push(queueSlot(state, builder, tx));
    else slots.push(signedSlot(state, builder, tx, slots.length, registry));
  }
  // Unused slots open leaf 0, and the fee credit its recipient, in the trees as the last
  // transaction left them: before the fee credit changes the accounts tree.
  const padded = {
    slots: padSlots(state, slots, shape.slots),
    registry: padRegistry(state, registry, shape.registrySlots ?? 0),
  };
  const feeAccount = state.accounts.get(feeRecipient);
  const fee = { leaf: feeAccount ? leafOf(feeAccount) : NO_LEAF, exists: feeAccount !== undefined };
  const feeSiblings = state.proof("accounts", feeRecipient).siblings;
  const built = builder.close();
  const closed: ClosedBatch = { ...built, stateRoot: state.root() };
  const claims: BatchClaims = {
    preStateRoot,
    postStateRoot: closed.stateRoot,
    queueStart: closed.queueStart.hash,
    queueEnd: closed.queueEnd.hash,
    withdrawalsRoot: closed.withdrawalsRoot,
  };
  const input = toCircuitInput({
    before,
    shape,
    ...padded,
    closed,
    fee: { ...fee, recipient: feeRecipient, siblings: feeSiblings },
    binding,
  });
  const blob = blobOpening(built.data, binding.versionedHash);
  const commitment = batchCommitment(claims, blob);
  const publicInput = proofPublicInput(commitment, binding.prover);
  const receipts = built.txs.map((t) => t.receipt);
  return { input, data: built.data, claims, blob, commitment, publicInput, closed, receipts };
}

/** A signed transaction's account slot, and its registry slot if it takes one. */
function signedSlot(
  state: RollupState,
  builder: BatchBuilder,
  tx: SignedTx,
  slot: number,
  registry: RegistryInput[],
): SlotInput {
  const sender = state.accounts.get(tx.from);
  const curated = tx.type === TxType.Curate ? state.contributions.get(tx.contribution) : undefined;
  const receiver =
    tx.type === TxType.Transfer
      ? state.accounts.get(tx.to)
      : curated
        ? state.accounts.get(curated.owner)
        : undefined;
  const model = tx.type === TxType.Inference ? state.models.get(tx.model) : undefined;
  const { record, registry: regRecord, updates } = builder.add(tx);
  const payload = slotPayload(tx, regRecord?.h2 ?? 0n);
  if (regRecord) {
    // The state transition accepted it: the Datanet it names (or its contribution names) exists.
    const datanetId =
      tx.type === TxType.CreateDatanet
        ? state.counters.datanets
        : tx.type === TxType.RegisterContribution
          ? tx.datanet
          : (curated?.datanet ?? 0);
    const datanet = datanetId === 0 ? undefined : state.datanets.get(datanetId)!;
    registry.push({
      record: regRecord,
      slot,
      from: tx.from,
      nonce: tx.nonce,
      fee: tx.fee,
      amount: record.amount,
      payload,
      // The state transition accepted it, so an inference's model exists.
      model: model ? modelFields(model) : NO_MODEL,
      training:
        tx.type === TxType.RegisterModel
          ? [
              tx.trainingConfigHash,
              trainingSetRoot(tx.contributions, state.params),
              BigInt(tx.contributions.at(-1)!),
            ]
          : NO_TRAINING,
      datanet: datanet ? datanetFields(datanet) : NO_DATANET,
      contribution: curated ? contributionFields(curated) : NO_CONTRIBUTION,
      curators: curated
        ? Array.from({ length: MAX_CURATORS }, (_, k) => BigInt(datanet!.curators[k] ?? 0))
        : NO_CURATORS,
      siblings: registryPaths(state, updates, datanetId),
    });
  }
  // The state transition accepted it, so the sender exists.
  const from = leafOf(sender as Account);
  return {
    record,
    recipient: tx.type === TxType.Withdraw ? addressToField(tx.recipient) : 0n,
    payload,
    sig: { ax: from.x, ay: from.y, r8x: tx.signature.R8.x, r8y: tx.signature.R8.y, s: tx.signature.S },
    leafA: { l1: from.l1, packed: from.packed },
    siblingsA: accountUpdate(updates, 0).siblings,
    leafB: receiver ? leafOf(receiver) : NO_LEAF,
    // An accepted curate leaves its owner's leaf as it is: its path in the tree as it is now.
    siblingsB:
      updates.filter((u) => u.tree === "accounts")[1]?.siblings ??
      state.proof("accounts", receiver ? record.b : 0).siblings,
    queue: NO_QUEUE_OP,
  };
}

/** p0..p4 of an L2 transaction as the circuit reads them (p5, a stake, is the slot's amount). */
function slotPayload(tx: SignedTx, trainingDescriptor: Field): readonly Field[] {
  switch (tx.type) {
    case TxType.RegisterContribution:
      return [BigInt(tx.datanet), tx.contentRoot, BigInt(tx.rowCount), BigInt(tx.license), tx.uriCommitment];
    case TxType.Inference:
      return [BigInt(tx.model), tx.inputHash, tx.outputHash, tx.featureCommitment, 0n];
    case TxType.RegisterModel:
      return [
        tx.modelHash,
        trainingDescriptor,
        tx.checkpointCommitment,
        tx.inferenceFee,
        BigInt(tx.baseModel),
      ];
    case TxType.CreateDatanet:
      return [
        tx.metadataHash,
        BigInt(tx.licensePolicy),
        BigInt(tx.curationMode),
        packCurators(tx.curators),
        0n,
      ];
    case TxType.Curate:
      return [BigInt(tx.contribution), tx.accept ? 1n : 0n, 0n, 0n, 0n];
    default:
      return NO_PAYLOAD;
  }
}

/**
 * The paths a registry slot opens: the trees it updated, the Datanet it reads (`datanet`, 0 for
 * none), the empty leaf 0 of the others.
 */
function registryPaths(
  state: RollupState,
  updates: readonly LeafUpdate[],
  datanet: number,
): RegistryInput["siblings"] {
  const path = (tree: RegistryTree, read = 0) =>
    updates.find((u) => u.tree === tree)?.siblings ?? state.proof(tree, read).siblings;
  return {
    contributions: path("contributions"),
    models: path("models"),
    inferences: path("inferences"),
    datanets: path("datanets", datanet),
  };
}

/** Unused account slots are no-ops that open the empty leaf 0. */
function padSlots(state: RollupState, slots: readonly SlotInput[], count: number): SlotInput[] {
  const zeroPath = state.proof("accounts", 0).siblings;
  const noop: SlotInput = {
    record: NOOP_RECORD,
    recipient: 0n,
    payload: NO_PAYLOAD,
    sig: dummy,
    leafA: { l1: 0n, packed: 0n },
    siblingsA: zeroPath,
    leafB: NO_LEAF,
    siblingsB: zeroPath,
    queue: NO_QUEUE_OP,
  };
  return [...slots, ...Array.from({ length: count - slots.length }, () => noop)];
}

function padRegistry(state: RollupState, registry: readonly RegistryInput[], count: number): RegistryInput[] {
  const empty: RegistryInput = {
    record: { type: 0, w0: 0, h1: 0n, h2: 0n, h3: 0n, w4: 0, w5: 0 },
    slot: 0,
    from: 0,
    nonce: 0,
    fee: 0n,
    amount: 0n,
    payload: NO_PAYLOAD,
    model: NO_MODEL,
    training: NO_TRAINING,
    datanet: NO_DATANET,
    contribution: NO_CONTRIBUTION,
    curators: NO_CURATORS,
    siblings: registryPaths(state, [], 0),
  };
  return [...registry, ...Array.from({ length: count - registry.length }, () => empty)];
}

interface CircuitInputParts {
  /** The state before the batch: roots, counters and governance the circuit starts from. */
  readonly before: {
    readonly roots: ReturnType<RollupState["roots"]>;
    readonly counters: RollupState["counters"];
    readonly governance: RollupState["governance"];
  };
  readonly shape: BatchShape;
  readonly slots: readonly SlotInput[];
  readonly registry: readonly RegistryInput[];
  readonly closed: ClosedBatch;
  readonly fee: {
    readonly recipient: number;
    readonly exists: boolean;
    readonly leaf: typeof NO_LEAF;
    readonly siblings: readonly (readonly Field[])[];
  };
  readonly binding: ProofBinding;
}

/** The collected slots as the circuit's named signals (decimal strings). */
function toCircuitInput(p: CircuitInputParts): BatchCircuitInput {
  const { before, slots, registry, closed, fee, binding } = p;
  const recipients = closed.withdrawals.map((w) => w.recipient);
  const str = (x: bigint | number) => x.toString();
  const col = <T>(f: (s: SlotInput) => T) => slots.map(f);
  const paths = (path: readonly (readonly Field[])[]) => path.map((level) => level.map(str));
  const { roots, counters } = before;
  return {
    accountsRoot: str(roots.accounts),
    contributionsRoot: str(roots.contributions),
    modelsRoot: str(roots.models),
    inferencesRoot: str(roots.inferences),
    datanetsRoot: str(roots.datanets),
    counters: countersFields(counters).map(str),
    paramsHash: str(roots.params),
    queueStart: str(closed.queueStart.hash),
    type: col((s) => str(s.record.type)),
    a: col((s) => str(s.record.a)),
    b: col((s) => str(s.record.b)),
    amountF40: col((s) => str(encodeFloat40(s.record.amount))),
    feeF40: col((s) => str(encodeFloat40(s.record.fee))),
    recipient: col((s) => str(s.recipient)),
    payload: col((s) => s.payload.map(str)),
    ax: col((s) => str(s.sig.ax)),
    ay: col((s) => str(s.sig.ay)),
    r8x: col((s) => str(s.sig.r8x)),
    r8y: col((s) => str(s.sig.r8y)),
    s: col((s) => str(s.sig.s)),
    l1A: col((s) => str(s.leafA.l1)),
    packedA: col((s) => str(s.leafA.packed)),
    siblingsA: col((s) => paths(s.siblingsA)),
    bx: col((s) => str(s.leafB.x)),
    by: col((s) => str(s.leafB.y)),
    l1B: col((s) => str(s.leafB.l1)),
    packedB: col((s) => str(s.leafB.packed)),
    siblingsB: col((s) => paths(s.siblingsB)),
    qAccount: col((s) => str(s.queue.words[0]!)),
    qAmount: col((s) => str(s.queue.words[1]!)),
    qW1: col((s) => str(s.queue.words[2]!)),
    qW2: col((s) => str(s.queue.words[3]!)),
    qW3: col((s) => str(s.queue.words[4]!)),
    existing: col((s) => str(s.queue.existing)),
    capped: col((s) => str(s.queue.capped)),
    recipients: Array.from({ length: p.shape.withdrawals }, (_, k) =>
      str(recipients[k] === undefined ? 0n : addressToField(recipients[k])),
    ),
    governance: governanceParamsFields(before.governance).map(str),
    regType: registry.map((r) => str(r.record.type)),
    regSlot: registry.map((r) => str(r.slot)),
    regFrom: registry.map((r) => str(r.from)),
    regNonce: registry.map((r) => str(r.nonce)),
    regFee: registry.map((r) => str(r.fee)),
    regAmount: registry.map((r) => str(r.amount)),
    regPayload: registry.map((r) => r.payload.map(str)),
    regModel: registry.map((r) => r.model.map(str)),
    regTraining: registry.map((r) => r.training.map(str)),
    regSiblingsC: registry.map((r) => paths(r.siblings.contributions)),
    regSiblingsM: registry.map((r) => paths(r.siblings.models)),
    regSiblingsI: registry.map((r) => paths(r.siblings.inferences)),
    regDatanet: registry.map((r) => r.datanet.map(str)),
    regContribution: registry.map((r) => r.contribution.map(str)),
    regCurators: registry.map((r) => r.curators.map(str)),
    regSiblingsD: registry.map((r) => paths(r.siblings.datanets)),
    feeRecipient: str(fee.recipient),
    feeRecipientExists: fee.exists ? "1" : "0",
    feeX: str(fee.leaf.x),
    feeY: str(fee.leaf.y),
    feeL1: str(fee.leaf.l1),
    feePacked: str(fee.leaf.packed),
    feeSiblings: paths(fee.siblings),
    prover: str(addressToField(binding.prover)),
    versionedHash: [
      str(bytesToBigIntBE(binding.versionedHash.subarray(0, 16))),
      str(bytesToBigIntBE(binding.versionedHash.subarray(16))),
    ],
  };
}

/**
 * Applies a queue operation and returns its slot: leaf A is the account a forced withdrawal
 * or slash names (or its proof of emptiness, or of a deposit's `to`), leaf B the account a
 * deposit credits or opens.
 */
function queueSlot(state: RollupState, builder: BatchBuilder, op: QueueOp): SlotInput {
  const cap = capacity(state.params.accounts);
  const named = op.type === TxType.Deposit ? op.to : op.type === TxType.SetParameter ? 0 : op.account;
  const existing = named === 0 ? undefined : state.accounts.get(named);
  const actsOn = op.type === TxType.ForcedWithdrawal || op.type === TxType.Slash;
  // Leaf A shows an uncredited deposit's `to`, or the account acted on, when in the tree.
  const showA = (actsOn || (op.type === TxType.Deposit && !existing)) && BigInt(named) < cap ? named : 0;
  const siblingsBefore = state.proof("accounts", showA).siblings;
  const words = queueOpWords(op);
  const amount = words[1];
  const limit =
    op.type === TxType.ForcedWithdrawal
      ? (existing?.balance ?? 0n)
      : op.type === TxType.Slash
        ? (existing?.staked ?? 0n)
        : amount;
  const { receipt, updates, record } = builder.add(op);
  const queue = { words, existing: existing ? 1n : 0n, capped: actsOn && amount > limit ? 1n : 0n };
  const zeroPath = () => state.proof("accounts", 0).siblings;
  if (op.type === TxType.Deposit) {
    const touched = receipt.withdrawal === undefined;
    return {
      record,
      recipient: receipt.withdrawal ? addressToField(receipt.withdrawal.recipient) : 0n,
      payload: NO_PAYLOAD,
      sig: dummy,
      leafA: { l1: 0n, packed: 0n },
      siblingsA: siblingsBefore,
      leafB: existing ? leafOf(existing) : NO_LEAF,
      siblingsB: touched ? accountUpdate(updates, 0).siblings : zeroPath(),
      queue,
    };
  }
  // A forced withdrawal or slash of an existing account updates its leaf (with the same path).
  const leaf = existing ? leafOf(existing) : undefined;
  return {
    record,
    recipient: receipt.withdrawal ? addressToField(receipt.withdrawal.recipient) : 0n,
    payload: NO_PAYLOAD,
    sig: leaf ? { ...dummy, ax: leaf.x, ay: leaf.y } : dummy,
    leafA: leaf ? { l1: leaf.l1, packed: leaf.packed } : { l1: 0n, packed: 0n },
    siblingsA: siblingsBefore,
    leafB: NO_LEAF,
    siblingsB: zeroPath(),
    queue,
  };
}
