/**
 * Builds the batch circuit's input (circuits/lib/batch/batch.circom) by replaying a batch
 * through the shared state transition (protocol/state) in witness mode: every leaf the
 * circuit opens is read from the state the TypeScript holds at that moment, and every Merkle
 * path is the one applyTx recorded. The circuit then recomputes everything and must reach the
 * same roots and public input. The prover node and the shared test vectors use it.
 */
import {
  type BatchClaims,
  type BatchShape,
  batchPublicInput,
  encodeBatchLayout,
  NOOP_RECORD,
  type RegistryRecord,
  registryRecord,
  type SlotRecord,
  slotRecord,
} from "./layout.ts";
import { addressToField } from "../domain.ts";
import { derivePublicKey, signMessage } from "../eddsa.ts";
import { ErrorCode, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { encodeFloat40 } from "../float40.ts";
import { capacity } from "../smt.ts";
import { applyTx, type ClosedBatch, beginBatch, closeBatch, type Receipt } from "../state/index.ts";
import { type Account, governanceParamsFields, modelFields, packAccountState } from "../state/leaves.ts";
import type { LeafUpdate, RollupState } from "../state/state.ts";
import { type Deposit, type SignedTx, TxType } from "../tx/types.ts";

export type BatchTx = SignedTx | Deposit;

/** Circuit input: field names as in circuits/lib/batch/batch.circom, values as decimal strings. */
export type BatchCircuitInput = Record<string, string | string[] | string[][] | string[][][]>;

export interface BatchWitness {
  readonly input: BatchCircuitInput;
  readonly data: Uint8Array;
  readonly claims: BatchClaims;
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
  deposit: { to: Field; amount: Field; sender: Field; x: Field; y: Field; credit: Field };
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
  siblings: Record<"contributions" | "models" | "inferences", readonly (readonly Field[])[]>;
}

const NO_PAYLOAD: readonly Field[] = [0n, 0n, 0n, 0n, 0n];
const NO_LEAF = { x: 0n, y: 0n, l1: 0n, packed: 0n };
const NO_DEPOSIT = { to: 0n, amount: 0n, sender: 0n, x: 0n, y: 0n, credit: 0n };

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
 * `feeRecipient`, and returns the circuit input. Throws the state transition's error if a
 * transaction is invalid: a batch the TypeScript refuses has no witness.
 */
export function buildBatchWitness(
  state: RollupState,
  txs: readonly BatchTx[],
  feeRecipient: number,
  shape: BatchShape,
): BatchWitness {
  if (txs.length > shape.slots) {
    throw new OpenLedgerError(
      ErrorCode.InvalidTransaction,
      `${txs.length} transactions do not fit ${shape.slots} slots`,
    );
  }
  const cap = capacity(state.params.accounts);
  const roots = state.roots();
  const counters = state.counters;
  const batch = beginBatch(state);
  const slots: SlotInput[] = [];
  const registry: RegistryInput[] = [];
  const receipts: Receipt[] = [];
  const registryPaths = (updates: readonly LeafUpdate[]) => {
    const path = (tree: "contributions" | "models" | "inferences") =>
      updates.find((u) => u.tree === tree)?.siblings ?? state.proof(tree, 0).siblings;
    return { contributions: path("contributions"), models: path("models"), inferences: path("inferences") };
  };

  for (const tx of txs) {
    if (tx.type === TxType.Deposit) {
      const existing = tx.to === 0 ? undefined : state.accounts.get(tx.to);
      const emptyTo = !existing && BigInt(tx.to) < cap ? tx.to : 0;
      const siblingsA = state.proof("accounts", emptyTo).siblings;
      const { receipt, updates } = applyTx(state, batch, tx);
      const touched = receipt.withdrawal === undefined;
      slots.push({
        record: slotRecord(tx, receipt.account),
        recipient: receipt.withdrawal ? addressToField(receipt.withdrawal.recipient) : 0n,
        payload: NO_PAYLOAD,
        sig: dummy,
        leafA: { l1: 0n, packed: 0n },
        siblingsA,
        leafB: existing ? leafOf(existing) : NO_LEAF,
        siblingsB: touched ? accountUpdate(updates, 0).siblings : state.proof("accounts", 0).siblings,
        deposit: {
          to: BigInt(tx.to),
          amount: tx.amount,
          sender: addressToField(tx.l1Sender),
          x: tx.publicKey.x,
          y: tx.publicKey.y,
          credit: existing ? 1n : 0n,
        },
      });
      receipts.push(receipt);
      continue;
    }
    const sender = state.accounts.get(tx.from);
    const receiver = tx.type === TxType.Transfer ? state.accounts.get(tx.to) : undefined;
    const model = tx.type === TxType.Inference ? state.models.get(tx.model) : undefined;
    const { receipt, updates } = applyTx(state, batch, tx);
    const record = slotRecord(tx, receipt.account);
    const regRecord = registryRecord(tx);
    const payload =
      tx.type === TxType.RegisterContribution
        ? [BigInt(tx.datanet), tx.contentRoot, BigInt(tx.rowCount), BigInt(tx.license), tx.uriCommitment]
        : tx.type === TxType.Inference
          ? [BigInt(tx.model), tx.inputHash, tx.outputHash, tx.featureCommitment, 0n]
          : NO_PAYLOAD;
    if (regRecord) {
      registry.push({
        record: regRecord,
        slot: slots.length,
        from: tx.from,
        nonce: tx.nonce,
        fee: tx.fee,
        amount: record.amount,
        payload,
        // applyTx succeeded, so an inference's model exists.
        model: model ? modelFields(model) : [0n, 0n, 0n, 0n, 0n, 0n, 0n],
        siblings: registryPaths(updates),
      });
    }
    // applyTx succeeded, so the sender exists.
    const from = leafOf(sender as Account);
    slots.push({
      record,
      recipient: tx.type === TxType.Withdraw ? addressToField(tx.recipient) : 0n,
      payload,
      sig: { ax: from.x, ay: from.y, r8x: tx.signature.R8.x, r8y: tx.signature.R8.y, s: tx.signature.S },
      leafA: { l1: from.l1, packed: from.packed },
      siblingsA: accountUpdate(updates, 0).siblings,
      leafB: receiver ? leafOf(receiver) : NO_LEAF,
      siblingsB: receiver ? accountUpdate(updates, 1).siblings : state.proof("accounts", 0).siblings,
      deposit: NO_DEPOSIT,
    });
    receipts.push(receipt);
  }
  while (slots.length < shape.slots) {
    const zeroPath = state.proof("accounts", 0).siblings;
    slots.push({
      record: NOOP_RECORD,
      recipient: 0n,
      payload: NO_PAYLOAD,
      sig: dummy,
      leafA: { l1: 0n, packed: 0n },
      siblingsA: zeroPath,
      leafB: NO_LEAF,
      siblingsB: zeroPath,
      deposit: NO_DEPOSIT,
    });
  }

  const registrySlots = shape.registrySlots ?? 0;
  if (registry.length > registrySlots) {
    throw new OpenLedgerError(
      ErrorCode.InvalidTransaction,
      `batch has ${registry.length} registry transactions, the circuit takes ${registrySlots}`,
    );
  }
  const emptyRegistry = registryPaths([]);
  while (registry.length < registrySlots) {
    registry.push({
      record: { type: 0, w0: 0, h1: 0n, h2: 0n, h3: 0n, w4: 0, w5: 0 },
      slot: 0,
      from: 0,
      nonce: 0,
      fee: 0n,
      amount: 0n,
      payload: NO_PAYLOAD,
      model: [0n, 0n, 0n, 0n, 0n, 0n, 0n],
      siblings: emptyRegistry,
    });
  }

  const feeAccount = state.accounts.get(feeRecipient);
  const fee = feeAccount ? leafOf(feeAccount) : NO_LEAF;
  const feeSiblings = state.proof("accounts", feeRecipient).siblings;
  const closed = closeBatch(state, batch, feeRecipient);
  if (closed.withdrawals.length > shape.withdrawals) {
    throw new OpenLedgerError(
      ErrorCode.TreeFull,
      `batch has ${closed.withdrawals.length} withdrawals, the circuit takes ${shape.withdrawals}`,
    );
  }
  const recipients = closed.withdrawals.map((w) => w.recipient);
  const data = encodeBatchLayout(
    shape,
    feeRecipient,
    slots.map((s) => s.record),
    recipients,
    registry.filter((r) => r.record.type !== 0).map((r) => r.record),
  );
  const claims: BatchClaims = {
    preStateRoot: batch.preStateRoot,
    postStateRoot: closed.stateRoot,
    queueStart: closed.queueStart.hash,
    queueEnd: closed.queueEnd.hash,
    withdrawalsRoot: closed.withdrawalsRoot,
  };

  const str = (x: bigint | number) => x.toString();
  const col = <T>(f: (s: SlotInput) => T) => slots.map(f);
  const paths = (p: readonly (readonly Field[])[]) => p.map((level) => level.map(str));
  const input: BatchCircuitInput = {
    accountsRoot: str(roots.accounts),
    contributionsRoot: str(roots.contributions),
    modelsRoot: str(roots.models),
    inferencesRoot: str(roots.inferences),
    counters: [counters.accounts, counters.contributions, counters.models, counters.inferences].map(str),
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
    depTo: col((s) => str(s.deposit.to)),
    depAmount: col((s) => str(s.deposit.amount)),
    depSender: col((s) => str(s.deposit.sender)),
    depX: col((s) => str(s.deposit.x)),
    depY: col((s) => str(s.deposit.y)),
    credit: col((s) => str(s.deposit.credit)),
    recipients: Array.from({ length: shape.withdrawals }, (_, k) =>
      str(recipients[k] === undefined ? 0n : addressToField(recipients[k])),
    ),
    governance: registrySlots > 0 ? governanceParamsFields(state.governance).map(str) : [],
    regType: registry.map((r) => str(r.record.type)),
    regSlot: registry.map((r) => str(r.slot)),
    regFrom: registry.map((r) => str(r.from)),
    regNonce: registry.map((r) => str(r.nonce)),
    regFee: registry.map((r) => str(r.fee)),
    regAmount: registry.map((r) => str(r.amount)),
    regPayload: registry.map((r) => r.payload.map(str)),
    regModel: registry.map((r) => r.model.map(str)),
    regSiblingsC: registry.map((r) => paths(r.siblings.contributions)),
    regSiblingsM: registry.map((r) => paths(r.siblings.models)),
    regSiblingsI: registry.map((r) => paths(r.siblings.inferences)),
    feeRecipient: str(feeRecipient),
    feeRecipientExists: feeAccount ? "1" : "0",
    feeX: str(fee.x),
    feeY: str(fee.y),
    feeL1: str(fee.l1),
    feePacked: str(fee.packed),
    feeSiblings: paths(feeSiblings),
  };
  return { input, data, claims, publicInput: batchPublicInput(claims, data), closed, receipts };
}
