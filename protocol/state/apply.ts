import { addressToField } from "../domain.ts";
import { verifySignature } from "../eddsa.ts";
import { ErrorCode, ensure, OpenLedgerError } from "../errors.ts";
import type { Field } from "../field.ts";
import { isFloat40 } from "../float40.ts";
import { KNOWN_LICENSE_MASK, licenseById, policyLicenses } from "../licenses.ts";
import { poseidon } from "../poseidon.ts";
import { capacity } from "../smt.ts";
import { trainingDescriptor, txHash } from "../tx/fields.ts";
import {
  type CreateDatanet,
  CurationMode,
  type Deposit,
  type ForcedWithdrawal,
  isQueueOp,
  type L2Tx,
  type QueueOp,
  type RegisterModel,
  type SetParameter,
  type SignedTx,
  type Slash,
  TxType,
} from "../tx/types.ts";
import type { BatchContext, Withdrawal } from "./batch.ts";
import { setParameter } from "./governance.ts";
import { type Account, ContributionStatus } from "./leaves.ts";
import type { LeafUpdate, RollupState } from "./state.ts";

/**
 * The state transition (docs/protocol.md, section 7): one transaction applied to the state.
 * Every check runs before the first write, so a refused transaction leaves the state as it
 * was. Pure: no clock, no storage, no randomness; the sequencer executes with it and the
 * prover replays it in witness mode to collect Merkle paths.
 */
/** The largest 32-bit nonce: an account at this nonce sends nothing more (section 6). */
export const LAST_NONCE = 2 ** 32 - 1;

export type Registry = "account" | "contribution" | "model" | "inference" | "datanet";

export interface Receipt {
  readonly txHash: Field;
  readonly type: TxType;
  /** Sender; for a queue operation the account it credited, opened, debited or slashed (0 if none). */
  readonly account: number;
  readonly fee: bigint;
  /** Registry entry the transaction created, if any. */
  readonly created?: { readonly registry: Registry; readonly id: number };
  readonly withdrawal?: Withdrawal;
  /** A curate: the contribution's owner and what went back to its balance (0 on acceptance). */
  readonly curated?: { readonly owner: number; readonly refund: bigint };
}

export interface AppliedTx {
  readonly receipt: Receipt;
  /** Leaf updates in the order made; empty unless the state is in witness mode. */
  readonly updates: readonly LeafUpdate[];
}

export interface ApplyOptions {
  /**
   * The caller already verified this transaction's signature under the sender's key (the
   * sequencer does it on worker threads). Keys never change once an account exists, so a
   * check made before execution stays true.
   */
  readonly signatureChecked?: boolean;
  /** txHash if the caller computed it already (it costs a Poseidon(8)). */
  readonly txHash?: Field;
}

export function applyTx(
  state: RollupState,
  batch: BatchContext,
  tx: SignedTx | QueueOp,
  opts: ApplyOptions = {},
): AppliedTx {
  state.takeUpdates();
  const hash = opts.txHash ?? txHash(tx, state.domain, state.params);
  const receipt = isQueueOp(tx)
    ? applyQueueOp(state, batch, tx, hash)
    : applyL2(state, batch, tx, hash, opts);
  return { receipt, updates: state.takeUpdates() };
}

function applyL2(
  state: RollupState,
  batch: BatchContext,
  tx: SignedTx,
  hash: Field,
  opts: ApplyOptions,
): Receipt {
  const sender = state.accounts.get(tx.from);
  if (!sender)
    throw new OpenLedgerError(ErrorCode.UnknownAccount, `sender account ${tx.from} does not exist`);
  checkAmounts(tx);
  if (!opts.signatureChecked && !verifySignature(hash, tx.signature, sender.publicKey)) {
    throw new OpenLedgerError(
      ErrorCode.InvalidSignature,
      `signature does not verify under account ${tx.from}'s key`,
    );
  }
  if (tx.nonce !== sender.nonce) {
    throw new OpenLedgerError(
      ErrorCode.BadNonce,
      `nonce ${tx.nonce} is not account ${tx.from}'s next nonce ${sender.nonce}`,
      {
        expected: sender.nonce,
      },
    );
  }
  // The packed account word keeps the nonce in 32 bits: the last nonce, 2^32 - 1, is never
  // spent, so the next one always fits (the circuit's nonce headroom refuses it too).
  if (sender.nonce >= LAST_NONCE) {
    throw new OpenLedgerError(
      ErrorCode.BadNonce,
      `account ${tx.from} has used every nonce: its last one, ${LAST_NONCE}, cannot be spent`,
    );
  }
  const debit = tx.fee + debitOf(tx);
  if (debit > sender.balance) {
    throw new OpenLedgerError(
      ErrorCode.InsufficientBalance,
      `account ${tx.from} holds ${sender.balance}, the transaction needs ${debit} (fee included)`,
    );
  }
  const base: Account = { ...sender, balance: sender.balance - debit, nonce: sender.nonce + 1 };
  const receipt = { txHash: hash, type: tx.type, account: tx.from, fee: tx.fee };
  let out: Receipt = receipt;
  switch (tx.type) {
    case TxType.Transfer: {
      ensure(tx.to !== tx.from, ErrorCode.InvalidTransaction, "a transfer to the sender itself is refused");
      const to = state.accounts.get(tx.to);
      if (!to)
        throw new OpenLedgerError(ErrorCode.UnknownAccount, `recipient account ${tx.to} does not exist`);
      state.setAccount(tx.from, base);
      state.setAccount(tx.to, { ...to, balance: to.balance + tx.amount });
      break;
    }
    case TxType.Withdraw: {
      ensure(
        batch.withdrawals.length < 2 ** state.params.withdrawalsDepth,
        ErrorCode.TreeFull,
        "this batch's withdrawals tree is full",
      );
      const withdrawal = { recipient: tx.recipient, amount: tx.amount };
      state.setAccount(tx.from, base);
      batch.withdrawals.push(withdrawal);
      out = { ...receipt, withdrawal };
      break;
    }
    case TxType.Stake:
      state.setAccount(tx.from, { ...base, staked: base.staked + tx.amount });
      break;
    case TxType.Unstake:
      if (tx.amount > sender.staked) {
        throw new OpenLedgerError(
          ErrorCode.InsufficientStake,
          `account ${tx.from} has ${sender.staked} staked, cannot unstake ${tx.amount}`,
        );
      }
      state.setAccount(tx.from, {
        ...base,
        balance: base.balance + tx.amount,
        staked: sender.staked - tx.amount,
      });
      break;
    case TxType.RegisterContribution: {
      const datanet = state.datanets.get(tx.datanet);
      if (!datanet) {
        throw new OpenLedgerError(ErrorCode.UnknownDatanet, `Datanet ${tx.datanet} does not exist`);
      }
      if (!licenseById(tx.license) || ((datanet.licensePolicy >>> tx.license) & 1) === 0) {
        throw new OpenLedgerError(
          ErrorCode.LicenseNotAllowed,
          `Datanet ${tx.datanet} does not admit license ${tx.license}; it admits ${policyNames(datanet.licensePolicy)}`,
        );
      }
      const global = state.governance.minContributionStake;
      const min = datanet.minStake > global ? datanet.minStake : global;
      if (tx.stake < min) {
        throw new OpenLedgerError(
          ErrorCode.InsufficientStake,
          `a contribution to Datanet ${tx.datanet} stakes at least ${min}, got ${tx.stake}`,
        );
      }
      // A sequencer rule the batch circuit does not enforce (docs/protocol.md section 7.3).
      const holder = state.contributionWithContent(tx.contentRoot);
      if (holder !== undefined) {
        throw new OpenLedgerError(
          ErrorCode.DuplicateContent,
          `contentRoot ${tx.contentRoot} is already registered by contribution ${holder}`,
          { contribution: holder },
        );
      }
      const id = nextId(state, "contributions");
      state.setAccount(tx.from, base);
      state.counters = { ...state.counters, contributions: id };
      state.setContribution(id, {
        owner: tx.from,
        datanet: tx.datanet,
        contentRoot: tx.contentRoot,
        rowCount: tx.rowCount,
        license: tx.license,
        uriCommitment: tx.uriCommitment,
        stake: tx.stake,
        status:
          datanet.curationMode === CurationMode.Open
            ? ContributionStatus.Accepted
            : ContributionStatus.Pending,
      });
      out = { ...receipt, created: { registry: "contribution", id } };
      break;
    }
    case TxType.RegisterModel: {
      // Ids are strictly increasing from 1 (txHash checked it) and registries never shrink:
      // every named contribution exists iff the last does.
      const maxId = tx.contributions.at(-1)!;
      if (maxId > state.counters.contributions) {
        throw new OpenLedgerError(
          ErrorCode.UnknownContribution,
          `training contribution ${maxId} does not exist`,
        );
      }
      if (tx.baseModel > state.counters.models) {
        throw new OpenLedgerError(ErrorCode.UnknownModel, `base model ${tx.baseModel} does not exist`);
      }
      checkTrainingLicenses(state, tx);
      const min = state.governance.minModelStake;
      if (sender.staked < min) {
        throw new OpenLedgerError(
          ErrorCode.InsufficientStake,
          `registering a model needs ${min} staked, account ${tx.from} has ${sender.staked}`,
        );
      }
      const descriptor = trainingDescriptor(tx.trainingConfigHash, tx.contributions, state.params);
      const id = nextId(state, "models");
      state.setAccount(tx.from, base);
      state.counters = { ...state.counters, models: id };
      state.setModel(
        id,
        {
          owner: tx.from,
          modelHash: tx.modelHash,
          trainingDescriptor: descriptor,
          checkpointCommitment: tx.checkpointCommitment,
          inferenceFee: tx.inferenceFee,
          baseModel: tx.baseModel,
          escrow: 0n,
        },
        { trainingConfigHash: tx.trainingConfigHash, contributions: [...tx.contributions] },
      );
      out = { ...receipt, created: { registry: "model", id } };
      break;
    }
    case TxType.Inference: {
      const model = state.models.get(tx.model);
      if (!model) throw new OpenLedgerError(ErrorCode.UnknownModel, `model ${tx.model} does not exist`);
      if (tx.payment < model.inferenceFee) {
        throw new OpenLedgerError(
          ErrorCode.FeeTooLow,
          `model ${tx.model} charges ${model.inferenceFee} per inference, payment is ${tx.payment}`,
        );
      }
      const id = nextId(state, "inferences");
      state.setAccount(tx.from, base);
      state.setModel(tx.model, { ...model, escrow: model.escrow + tx.payment });
      state.counters = { ...state.counters, inferences: id };
      state.setInference(id, {
        user: tx.from,
        model: tx.model,
        inputHash: tx.inputHash,
        outputHash: tx.outputHash,
        featureCommitment: tx.featureCommitment,
        payment: tx.payment,
      });
      out = { ...receipt, created: { registry: "inference", id } };
      break;
    }
    case TxType.CreateDatanet: {
      checkDatanet(state, tx);
      const id = nextId(state, "datanets");
      state.setAccount(tx.from, base);
      state.counters = { ...state.counters, datanets: id };
      state.setDatanet(id, {
        owner: tx.from,
        metadataHash: tx.metadataHash,
        licensePolicy: tx.licensePolicy,
        curationMode: tx.curationMode,
        curators: [...tx.curators],
        minStake: tx.minStake,
      });
      out = { ...receipt, created: { registry: "datanet", id } };
      break;
    }
    case TxType.Curate: {
      const c = state.contributions.get(tx.contribution);
      if (!c) {
        throw new OpenLedgerError(
          ErrorCode.UnknownContribution,
          `contribution ${tx.contribution} does not exist`,
        );
      }
      // Every contribution names an existing Datanet, and Datanets are never removed.
      const datanet = state.datanets.get(c.datanet)!;
      if (!datanet.curators.includes(tx.from)) {
        throw new OpenLedgerError(
          ErrorCode.NotCurator,
          `account ${tx.from} is not a curator of Datanet ${c.datanet}`,
        );
      }
      if (c.owner === tx.from) {
        throw new OpenLedgerError(
          ErrorCode.NotCurator,
          `account ${tx.from} may not curate its own contribution ${tx.contribution}`,
        );
      }
      if (c.status !== ContributionStatus.Pending) {
        throw new OpenLedgerError(
          ErrorCode.NotPending,
          `contribution ${tx.contribution} is ${c.status === ContributionStatus.Accepted ? "accepted" : "rejected"}, not pending`,
        );
      }
      state.setAccount(tx.from, base);
      if (!tx.accept) {
        // Owners are accounts, and accounts are never removed.
        const owner = state.accounts.get(c.owner)!;
        state.setAccount(c.owner, { ...owner, balance: owner.balance + c.stake });
      }
      state.setContribution(
        tx.contribution,
        tx.accept
          ? { ...c, status: ContributionStatus.Accepted }
          : { ...c, status: ContributionStatus.Rejected, stake: 0n },
      );
      out = { ...receipt, curated: { owner: c.owner, refund: tx.accept ? 0n : c.stake } };
      break;
    }
  }
  batch.feeTotal += tx.fee;
  return out;
}

/** What the transaction takes from the sender's balance besides the fee. */
function debitOf(tx: L2Tx): bigint {
  switch (tx.type) {
    case TxType.Transfer:
    case TxType.Withdraw:
    case TxType.Stake:
      return tx.amount;
    case TxType.RegisterContribution:
      return tx.stake;
    case TxType.Inference:
      return tx.payment;
    case TxType.Unstake:
    case TxType.RegisterModel:
    case TxType.CreateDatanet:
    case TxType.Curate:
      return 0n;
  }
}

/** A Datanet's own rules (section 7.1): curators as its mode says, existing; a known, non-empty policy. */
function checkDatanet(state: RollupState, tx: CreateDatanet): void {
  const curated = tx.curationMode === CurationMode.Curated;
  if (curated ? tx.curators.length === 0 : tx.curators.length > 0) {
    throw new OpenLedgerError(
      ErrorCode.InvalidTransaction,
      curated ? "a curated Datanet names at least one curator" : "an open Datanet names no curators",
    );
  }
  for (const c of tx.curators) {
    if (c > state.counters.accounts) {
      throw new OpenLedgerError(ErrorCode.UnknownAccount, `curator account ${c} does not exist`);
    }
  }
  if (tx.licensePolicy === 0 || (tx.licensePolicy & ~KNOWN_LICENSE_MASK) !== 0) {
    throw new OpenLedgerError(
      ErrorCode.LicenseNotAllowed,
      `license policy ${tx.licensePolicy} must admit at least one license and only known ones (mask ${KNOWN_LICENSE_MASK})`,
    );
  }
}

/**
 * The license rule (section 7.2): a model names only accepted contributions; one served for a
 * fee uses no data whose license forbids commercial use, its own or its base models'; a
 * fine-tune's base models use no data whose license forbids derivatives.
 */
function checkTrainingLicenses(state: RollupState, tx: RegisterModel): void {
  for (const id of tx.contributions) {
    const c = state.contributions.get(id)!;
    if (c.status !== ContributionStatus.Accepted) {
      throw new OpenLedgerError(
        ErrorCode.ContributionNotAccepted,
        `training contribution ${id} is ${c.status === ContributionStatus.Pending ? "pending" : "rejected"}, not accepted`,
      );
    }
    if (tx.inferenceFee > 0n) needs(c.license, "commercial", `contribution ${id}`);
  }
  for (let m = tx.baseModel; m !== 0; m = state.models.get(m)!.baseModel) {
    for (const id of state.trainingSets.get(m)!.contributions) {
      const license = state.contributions.get(id)!.license;
      needs(license, "derivatives", `contribution ${id} of base model ${m}`);
      if (tx.inferenceFee > 0n) needs(license, "commercial", `contribution ${id} of base model ${m}`);
    }
  }
}

function needs(license: number, use: "commercial" | "derivatives", what: string): void {
  // Registered contributions carry known licenses.
  const l = licenseById(license)!;
  if (!l[use]) {
    throw new OpenLedgerError(
      ErrorCode.LicenseForbids,
      use === "commercial"
        ? `${what} is licensed ${l.spdx}, which forbids a model served for a fee (inferenceFee > 0)`
        : `${what} is licensed ${l.spdx}, which forbids derivatives: its model cannot be fine-tuned`,
    );
  }
}

function policyNames(policy: number): string {
  const names = policyLicenses(policy).map((l) => `${l.id} ${l.spdx}`);
  return names.length > 0 ? names.join(", ") : "none";
}

/** Batch data carries amounts as float40 (section 8): a value without that form cannot be posted. */
function checkAmounts(tx: L2Tx): void {
  const amounts: Array<[string, bigint]> = [["fee", tx.fee]];
  if ("amount" in tx) amounts.push(["amount", tx.amount]);
  if (tx.type === TxType.RegisterContribution) amounts.push(["stake", tx.stake]);
  if (tx.type === TxType.RegisterModel) amounts.push(["inferenceFee", tx.inferenceFee]);
  if (tx.type === TxType.Inference) amounts.push(["payment", tx.payment]);
  if (tx.type === TxType.CreateDatanet) amounts.push(["minStake", tx.minStake]);
  for (const [what, v] of amounts) {
    if (!isFloat40(v)) {
      throw new OpenLedgerError(
        ErrorCode.InvalidTransaction,
        `${what} ${v} has no float40 form (m·10^e, m < 2^35): round it`,
      );
    }
  }
}

function nextId(
  state: RollupState,
  registry: "contributions" | "models" | "inferences" | "accounts" | "datanets",
): number {
  const id = state.counters[registry] + 1;
  ensure(BigInt(id) < capacity(state.params[registry]), ErrorCode.TreeFull, `the ${registry} tree is full`);
  return id;
}

/**
 * Rolling hash of the L1 priority queue (section 8): Poseidon(prev, header, w1, w2, w3) with
 * header = kind + account·2^8 + amount·2^40; the queue kind is the type minus 7.
 */
export function queueOpHash(prev: Field, op: QueueOp): Field {
  const [account, amount, w1, w2, w3] = queueOpWords(op);
  const header = BigInt(op.type - 7) + (account << 8n) + (amount << 40n);
  return poseidon([prev, header, w1, w2, w3]);
}

/** account, amount, w1, w2, w3 of a queue operation, as L1 hashed them. */
export function queueOpWords(op: QueueOp): [Field, Field, Field, Field, Field] {
  switch (op.type) {
    case TxType.Deposit:
      return [BigInt(op.to), op.amount, addressToField(op.l1Sender), op.publicKey.x, op.publicKey.y];
    case TxType.ForcedWithdrawal:
      return [BigInt(op.account), op.amount, addressToField(op.l1Sender), 0n, 0n];
    case TxType.SetParameter:
      return [BigInt(op.paramId), 0n, op.value, 0n, 0n];
    case TxType.Slash:
      return [BigInt(op.account), op.amount, 0n, 0n, 0n];
  }
}

/**
 * Queue operations execute in queue order and, once in order, never fail: their effects are
 * already recorded on L1 (section 7, step 4). Every check that can refuse one runs first.
 */
function applyQueueOp(state: RollupState, batch: BatchContext, op: QueueOp, hash: Field): Receipt {
  if (op.queueIndex !== state.queue.next) {
    throw new OpenLedgerError(
      ErrorCode.QueueOrder,
      `queue operation has index ${op.queueIndex}, the next to consume is ${state.queue.next}`,
    );
  }
  const receipt = { txHash: hash, type: op.type, fee: 0n };
  let out: Receipt;
  switch (op.type) {
    case TxType.Deposit:
      out = { ...receipt, ...applyDeposit(state, batch, op) };
      break;
    case TxType.ForcedWithdrawal:
      out = { ...receipt, ...applyForcedWithdrawal(state, batch, op) };
      break;
    case TxType.SetParameter:
      out = { ...receipt, ...applySetParameter(state, batch, op) };
      break;
    case TxType.Slash:
      out = { ...receipt, ...applySlash(state, op) };
      break;
  }
  state.queue = { next: state.queue.next + 1n, hash: queueOpHash(state.queue.hash, op) };
  return out;
}

type Effect = Pick<Receipt, "account" | "created" | "withdrawal">;

/**
 * Deposits credit `to` if it is an account, otherwise open one; with the accounts tree full,
 * refund on L1.
 */
function applyDeposit(state: RollupState, batch: BatchContext, d: Deposit): Effect {
  const existing = d.to === 0 ? undefined : state.accounts.get(d.to);
  if (existing) {
    state.setAccount(d.to, { ...existing, balance: existing.balance + d.amount });
    return { account: d.to };
  }
  const id = state.counters.accounts + 1;
  if (BigInt(id) >= capacity(state.params.accounts)) {
    const withdrawal = { recipient: d.l1Sender, amount: d.amount };
    batch.withdrawals.push(withdrawal);
    return { account: 0, withdrawal };
  }
  state.counters = { ...state.counters, accounts: id };
  state.setAccount(id, {
    publicKey: d.publicKey,
    l1Address: d.l1Sender,
    balance: d.amount,
    nonce: 0,
    staked: 0n,
  });
  return { account: id, created: { registry: "account", id } };
}

/**
 * Withdraws min(amount, balance) to the L1 sender if it is the address that opened the
 * account (the one its exit would pay); anyone else's order, or one naming no account, is
 * consumed and does nothing. The withdrawal is emitted even when the balance is 0.
 */
function applyForcedWithdrawal(state: RollupState, batch: BatchContext, op: ForcedWithdrawal): Effect {
  const account = state.accounts.get(op.account);
  if (!account) return { account: 0 };
  if (addressToField(account.l1Address) !== addressToField(op.l1Sender)) return { account: op.account };
  ensure(
    batch.withdrawals.length < 2 ** state.params.withdrawalsDepth,
    ErrorCode.TreeFull,
    "this batch's withdrawals tree is full",
  );
  const amount = op.amount < account.balance ? op.amount : account.balance;
  const withdrawal = { recipient: op.l1Sender, amount };
  state.setAccount(op.account, { ...account, balance: account.balance - amount });
  batch.withdrawals.push(withdrawal);
  return { account: op.account, withdrawal };
}

/** Removes min(amount, staked) from the account's stake; the OPEN stays locked on L1 (burnt). */
function applySlash(state: RollupState, op: Slash): Effect {
  const account = state.accounts.get(op.account);
  if (!account) return { account: 0 };
  const cut = op.amount < account.staked ? op.amount : account.staked;
  state.setAccount(op.account, { ...account, staked: account.staked - cut });
  return { account: op.account };
}

/** Records the change for the batch's close (section 7, step 5): one per batch. */
function applySetParameter(state: RollupState, batch: BatchContext, op: SetParameter): Effect {
  if (batch.governanceAfter !== undefined) {
    throw new OpenLedgerError(
      ErrorCode.InvalidTransaction,
      "a batch executes at most one set-parameter order: the next batch takes it",
    );
  }
  batch.governanceAfter = setParameter(state.governance, op.paramId, op.value);
  return { account: 0 };
}
