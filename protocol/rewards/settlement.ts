import { ErrorCode, OpenLedgerError } from "../errors.ts";
import { checkUint } from "../field.ts";
import { type Counters, countersHash, type StateRoots } from "../state/leaves.ts";
import type { RollupState } from "../state/state.ts";
import { creditData, type PaymentSplit, PAYABLE_SCORE_BITS, splitPayment } from "./split.ts";

/**
 * A reward settlement (docs/protocol.md §11): up to N inference records of one model paid out
 * by their payable scores. It is applied to the state like a batch, by the same pure rules
 * on the sequencer and on the prover, and the reward circuit is its twin.
 */
export interface Settlement {
  readonly epoch: number;
  readonly model: number;
  /** Inference record ids, strictly increasing. */
  readonly inferences: readonly number[];
  /** Per inference, one payable score per training contribution of the model, in registration order. */
  readonly scores: readonly (readonly bigint[])[];
  /** L2 account that receives the prover share: the node whose attribution gave the scores. */
  readonly proverAccount: number;
  readonly treasuryAccount: number;
}

/** The state after the epoch's last batch: fixes which records the epoch may settle. */
export interface EpochEnd {
  readonly roots: StateRoots;
  readonly counters: Counters;
}

export type CreditRole = "data" | "model" | "baseModel" | "prover" | "treasury";

/** One balance increase, in the order the settlement applies them (§11.2). */
export interface Credit {
  readonly role: CreditRole;
  readonly account: number;
  readonly amount: bigint;
  /** For a data credit: the contribution it pays. */
  readonly contribution?: number;
}

export interface SettledInference {
  readonly id: number;
  readonly payment: bigint;
  readonly split: PaymentSplit;
  /** Per training contribution, in registration order. */
  readonly dataCredits: readonly bigint[];
  /** Pool left by rounding, or the whole pool when no score is above zero: the treasury's. */
  readonly dust: bigint;
}

export interface SettlementReceipt {
  readonly inferences: readonly SettledInference[];
  readonly credits: readonly Credit[];
  /** Sum of the settled payments: what left the model's escrow, and what the credits add up to. */
  readonly paid: bigint;
}

/**
 * Applies a settlement. Every check runs before the first write, so a refused settlement
 * leaves the state unchanged. Each credited account is written even for a credit of 0, so
 * that in witness mode every credit lane has its leaf update.
 */
export function applySettlement(state: RollupState, s: Settlement, end: EpochEnd): SettlementReceipt {
  const plan = planSettlement(state, s, end);
  for (const r of plan.inferences) {
    state.setInference(r.id, { ...state.inferences.get(r.id)!, payment: 0n });
  }
  const model = state.models.get(s.model)!;
  state.setModel(s.model, { ...model, escrow: model.escrow - plan.paid });
  for (const c of plan.credits) {
    const a = state.accounts.get(c.account)!;
    state.setAccount(c.account, { ...a, balance: a.balance + c.amount });
  }
  return plan;
}

/** The receipt a settlement would give, computed from the state without changing it. */
export function planSettlement(state: RollupState, s: Settlement, end: EpochEnd): SettlementReceipt {
  const refuse = (code: ErrorCode, message: string): never => {
    throw new OpenLedgerError(code, message);
  };
  if (end.roots.counters !== countersHash(end.counters)) {
    refuse(ErrorCode.InvalidTransaction, "the epoch end's counters do not hash to its counters root");
  }
  const model =
    state.models.get(s.model) ?? refuse(ErrorCode.UnknownModel, `model ${s.model} does not exist`);
  const training = state.trainingSets.get(s.model);
  if (!training) throw new Error(`model ${s.model} has no training set beside its leaf`);
  if (s.inferences.length === 0)
    refuse(ErrorCode.InvalidTransaction, "a settlement names at least one inference");
  if (s.scores.length !== s.inferences.length) {
    refuse(
      ErrorCode.InvalidTransaction,
      `${s.inferences.length} inferences but ${s.scores.length} score rows`,
    );
  }
  const lastInference = end.counters.inferences;
  const payments = s.inferences.map((id, i) => {
    if (i > 0 && id <= s.inferences[i - 1]!) {
      refuse(
        ErrorCode.InvalidTransaction,
        `inference ids must be strictly increasing: ${id} follows ${s.inferences[i - 1]}`,
      );
    }
    if (id > lastInference) {
      refuse(
        ErrorCode.InferenceNotSettleable,
        `inference ${id} comes after the epoch's last inference ${lastInference}`,
      );
    }
    const r = state.inferences.get(id);
    if (!r || r.model !== s.model) {
      refuse(ErrorCode.InferenceNotSettleable, `inference ${id} is not a record of model ${s.model}`);
    }
    if (r!.payment === 0n) refuse(ErrorCode.InferenceNotSettleable, `inference ${id} is already settled`);
    return r!.payment;
  });
  const n = training.contributions.length;
  s.scores.forEach((row, i) => {
    if (row.length !== n) {
      refuse(
        ErrorCode.InvalidTransaction,
        `inference ${s.inferences[i]} has ${row.length} scores, model ${s.model} has ${n} contributions`,
      );
    }
    for (const x of row) {
      if (typeof x !== "bigint" || x < 0n || x >= 1n << BigInt(PAYABLE_SCORE_BITS)) {
        refuse(
          ErrorCode.InvalidTransaction,
          `a payable score is an integer in [0, 2^${PAYABLE_SCORE_BITS}), got ${x}`,
        );
      }
    }
  });
  if (!state.accounts.has(s.proverAccount)) {
    refuse(ErrorCode.UnknownAccount, `prover account ${s.proverAccount} does not exist`);
  }
  if (!state.accounts.has(s.treasuryAccount)) {
    refuse(ErrorCode.UnknownAccount, `treasury account ${s.treasuryAccount} does not exist`);
  }

  const hasBase = model.baseModel !== 0;
  const settled = s.inferences.map((id, i): SettledInference => {
    const split = splitPayment(payments[i]!, state.governance, hasBase);
    const { credits, dust } = creditData(split.pool, s.scores[i]!);
    return { id, payment: payments[i]!, split, dataCredits: credits, dust };
  });
  const sum = (f: (r: SettledInference) => bigint) => settled.reduce((a, r) => a + f(r), 0n);
  const credits: Credit[] = training.contributions.map((c, j) => ({
    role: "data",
    account: state.contributions.get(c)!.owner,
    amount: sum((r) => r.dataCredits[j]!),
    contribution: c,
  }));
  credits.push({ role: "model", account: model.owner, amount: sum((r) => r.split.owner) });
  if (hasBase) {
    credits.push({
      role: "baseModel",
      account: state.models.get(model.baseModel)!.owner,
      amount: sum((r) => r.split.base),
    });
  }
  credits.push({ role: "prover", account: s.proverAccount, amount: sum((r) => r.split.prover) });
  credits.push({
    role: "treasury",
    account: s.treasuryAccount,
    amount: sum((r) => r.split.protocol + r.dust),
  });

  const paid = sum((r) => r.payment);
  if (model.escrow < paid)
    throw new Error(`model ${s.model}'s escrow ${model.escrow} is below its records' payments ${paid}`);
  const after = new Map<number, bigint>();
  for (const c of credits) {
    const balance = (after.get(c.account) ?? state.accounts.get(c.account)!.balance) + c.amount;
    checkUint(balance, 96, `account ${c.account}'s balance after the settlement`);
    after.set(c.account, balance);
  }
  return { inferences: settled, credits, paid };
}
