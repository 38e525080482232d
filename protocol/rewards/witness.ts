import type { Field } from "../field.ts";
import {
  type Account,
  accountFields,
  contributionFields,
  countersFields,
  governanceParamsFields,
  inferenceFields,
  modelFields,
  stateRoot,
} from "../state/leaves.ts";
import type { LeafUpdate, RollupState } from "../state/state.ts";
import {
  checkFitsShape,
  scoresCommitment,
  type SettlementShape,
  type SettlementStatement,
  settlementPublicInput,
} from "./commitment.ts";
import { applySettlement, type EpochEnd, type Settlement, type SettlementReceipt } from "./settlement.ts";

/** Signals of `RewardSettlement`, as decimal strings (circuits/lib/rewards/). */
export type SettlementCircuitInput = Record<string, string | string[] | string[][] | string[][][]>;

export interface SettlementWitness {
  readonly input: SettlementCircuitInput;
  readonly statement: SettlementStatement;
  readonly publicInput: Field;
  readonly receipt: SettlementReceipt;
}

/**
 * Applies a settlement to `state` (switched to witness mode) and returns the reward circuit's
 * input for it: the pre-state's sub-roots, every leaf before its update with its path, in the
 * order of docs/protocol.md §11.4, padded to the circuit's lanes.
 */
export function buildSettlementWitness(
  state: RollupState,
  s: Settlement,
  end: EpochEnd,
  shape: SettlementShape,
): SettlementWitness {
  const training = state.trainingSets.get(s.model)?.contributions ?? [];
  checkFitsShape(shape, s.model, s.inferences.length, training.length);
  state.setWitnessMode(true);
  state.takeUpdates();
  const before = state.roots();
  const counters = state.counters;
  const params = governanceParamsFields(state.governance);
  const model = state.models.get(s.model);
  const contributions = training.map((c) => state.contributions.get(c)!);
  const contributionPaths = training.map((c) => state.proof("contributions", c).siblings);
  const preAccounts = new Map<number, Account>(state.accounts);

  const receipt = applySettlement(state, s, end);
  const updates = state.takeUpdates();
  const byTree = (tree: LeafUpdate["tree"]) => updates.filter((u) => u.tree === tree);
  const recordUpdates = byTree("inferences");
  const accountUpdates = byTree("accounts");
  const base = model!.baseModel;

  // Account lanes: C contribution owners, then model owner, base-model owner, prover, treasury.
  const lanes: Array<{ fields: Field[]; siblings: LeafUpdate["siblings"] } | undefined> = [];
  const balances = new Map<number, Account>();
  receipt.credits.forEach((credit, k) => {
    const a = balances.get(credit.account) ?? preAccounts.get(credit.account)!;
    balances.set(credit.account, { ...a, balance: a.balance + credit.amount });
    const lane =
      credit.role === "data"
        ? k
        : shape.contributions + ["model", "baseModel", "prover", "treasury"].indexOf(credit.role);
    lanes[lane] = { fields: accountFields(a), siblings: accountUpdates[k]!.siblings };
  });

  const statement: SettlementStatement = {
    epoch: s.epoch,
    model: s.model,
    preRoot: stateRoot(before),
    postRoot: state.root(),
    epochEndRoot: stateRoot(end.roots),
    scoresCommitment: scoresCommitment(s, shape),
    proverAccount: s.proverAccount,
    treasuryAccount: s.treasuryAccount,
  };

  const str = (x: bigint | number) => x.toString();
  const zeros = (n: number) => Array<string>(n).fill("0");
  const path = (p: LeafUpdate["siblings"]) => p.map((level) => level.map(str));
  const zeroPath = (arity: number, depth: number) => Array.from({ length: depth }, () => zeros(arity - 1));
  const { accounts: acc, contributions: con, models: mod, inferences: inf } = state.params;
  const padTo = <T>(xs: readonly T[], n: number, pad: () => T) => [
    ...xs,
    ...Array.from({ length: n - xs.length }, pad),
  ];

  const input: SettlementCircuitInput = {
    epoch: str(s.epoch),
    proverAccount: str(s.proverAccount),
    treasuryAccount: str(s.treasuryAccount),
    accountsRoot: str(before.accounts),
    contributionsRoot: str(before.contributions),
    modelsRoot: str(before.models),
    inferencesRoot: str(before.inferences),
    datanetsRoot: str(before.datanets),
    counters: countersFields(counters).map(str),
    params: params.map(str),
    endAccountsRoot: str(end.roots.accounts),
    endContributionsRoot: str(end.roots.contributions),
    endModelsRoot: str(end.roots.models),
    endInferencesRoot: str(end.roots.inferences),
    endDatanetsRoot: str(end.roots.datanets),
    endCounters: countersFields(end.counters).map(str),
    endParamsHash: str(end.roots.params),
    model: str(s.model),
    modelFields: modelFields(model!).map(str),
    modelSiblings: path(byTree("models")[0]!.siblings),
    trainingConfigHash: str(state.trainingSets.get(s.model)!.trainingConfigHash),
    contributionIds: padTo(training.map(str), shape.contributions, () => "0"),
    baseModelFields: base === 0 ? zeros(7) : modelFields(state.models.get(base)!).map(str),
    baseModelSiblings:
      base === 0 ? zeroPath(mod.arity, mod.depth) : path(state.proof("models", base).siblings),
    inferenceIds: padTo(s.inferences.map(str), shape.inferences, () => "0"),
    records: padTo(
      recordUpdates.map((_, i) =>
        inferenceFields({
          ...state.inferences.get(s.inferences[i]!)!,
          payment: receipt.inferences[i]!.payment,
        }).map(str),
      ),
      shape.inferences,
      () => zeros(6),
    ),
    recordSiblings: padTo(
      recordUpdates.map((u) => path(u.siblings)),
      shape.inferences,
      () => zeroPath(inf.arity, inf.depth),
    ),
    scores: padTo(
      s.scores.map((row) => padTo(row.map(str), shape.contributions, () => "0")),
      shape.inferences,
      () => zeros(shape.contributions),
    ),
    contributionFields: padTo(
      contributions.map((c) => contributionFields(c).map(str)),
      shape.contributions,
      () => zeros(8),
    ),
    contributionSiblings: padTo(contributionPaths.map(path), shape.contributions, () =>
      zeroPath(con.arity, con.depth),
    ),
    accountFields: Array.from(
      { length: shape.contributions + 4 },
      (_, l) => lanes[l]?.fields.map(str) ?? zeros(4),
    ),
    accountSiblings: Array.from({ length: shape.contributions + 4 }, (_, l) =>
      lanes[l] ? path(lanes[l].siblings) : zeroPath(acc.arity, acc.depth),
    ),
  };
  return { input, statement, publicInput: settlementPublicInput(statement), receipt };
}
