/**
 * The batch circuit at the constraint level (docs/circuits.md, "Soundness at the constraint level"). Honest
 * witnesses of batches holding every slot kind are changed one wire at a time, every kept wire
 * of the circuit, and each `<--` hint's component in pairs too, and checked against the R1CS
 * directly. A change no constraint refuses is an under-constrained signal, unless it is listed
 * below as a legitimate alternative witness with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BatchTx, buildBatchWitness } from "../../../protocol/batch/witness.ts";
import { LAST_NONCE } from "../../../protocol/state/apply.ts";
import { TEST_BINDING } from "../../../protocol/testing.ts";
import { CurationMode, TxType } from "../../../protocol/tx/types.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { hintsUnder } from "../../tools/hints.ts";
import { type R1cs, readR1cs } from "../../tools/r1cs-constraints.ts";
import {
  ConstraintChecker,
  defaultAlternatives,
  type MutationResult,
  mutateEach,
  mutatePairs,
  type NamedWire,
  selectWires,
} from "../../tools/r1cs-mutation.ts";
import { readSymbolTable, type SymbolTable } from "../../tools/symbols.ts";
import { calculateWitness, type CircuitInput } from "../../tools/witness.ts";
import {
  contribution,
  deposit,
  forced,
  freshState,
  inference,
  L1,
  registerModel,
  SHAPE_REG,
  setParam,
  sign,
  slash,
} from "./fixtures.ts";

const LIB = new URL("..", import.meta.url).pathname;

/**
 * Every `<--` in circuits/lib outside rewards/: the file, the signals it assigns, and the names
 * those signals have in the batch circuit. A hint added without an entry here fails the first
 * test.
 */
const HINTS: { file: string; signals: string[]; pattern: RegExp }[] = [
  {
    file: "tx/account_slot_kind.circom",
    signals: ["flags"],
    // The flags are kept under the outputs they are copied to.
    pattern: /^main\.slot\[\d+\]\.kind\.(flags\[\d+\]|is[A-Z]\w*)$/,
  },
  {
    file: "tx/registry_slot.circom",
    signals: ["isNoop", "isContribution", "isModel", "isInference", "isDatanet", "isCurate", "pick"],
    pattern: /^main\.reg\[\d+\]\.(is(Noop|Contribution|Model|Inference|Datanet|Curate)|pick\[\d+\])$/,
  },
  {
    file: "state/account_unpack.circom",
    signals: ["balance", "nonce", "staked"],
    pattern: /^main\.slot\[\d+\]\.unpackA\.(balance|nonce|staked)$/,
  },
  {
    file: "tx/account_slot.circom",
    signals: ["nonceHeadroom"],
    pattern: /^main\.slot\[\d+\]\.nonceHeadroom$/,
  },
  {
    file: "blob/mul_add_mod_r.circom",
    signals: ["q", "out", "carry"],
    pattern: /^main\.blob\.step\[\d+\]\.(q|out|carry)\[\d+\]$/,
  },
];

/**
 * The wires also changed in pairs, a group per value of the first capture: each slot's kind
 * flags; its unpack with its range checks; the registry slot's flags, which keep no wire of
 * their own: the optimiser folds them into the registry counters after the slot
 * (count + flag) and the match's account-slot flags (their sum).
 */
const PAIR_GROUPS = [
  /^main\.slot\[(\d+)\]\.kind\./,
  /^main\.slot\[(\d+)\]\.unpackA\./,
  /^main\.(?:registryCounts\[1\]\[\d\]|regMatch\.accountFlags\[\d+\])$/,
];

/** Survivors that are legitimate: the alternative witness changes no other wire and nothing public. */
const LEGITIMATE: { pattern: RegExp; when: (r: MutationResult) => boolean; reason: string }[] = [
  {
    pattern: /\.inv$/,
    when: (r) => r.value === 0n,
    reason:
      "circomlib IsZero: its input is 0 (the honest inverse is 0), so `out` is 1 whatever the inverse; with a nonzero input every change is refused",
  },
  {
    pattern: /^main\.slot\[\d+\]\.nonceHeadroom$/,
    when: (r) => r.value === 0n,
    reason:
      "a queue operation (isL2 = 0) on an account at the last nonce: headroom · 0 = 0 holds for any headroom, which nothing else reads; an L2 transaction there has no headroom at all",
  },
];

interface Scenario {
  name: string;
  input: CircuitInput;
}

/** Batches of every account-slot kind, registry kind and queue outcome, in 11 witnesses. */
function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  const state = freshState();
  const run = (name: string, txs: BatchTx[], fee = 1) =>
    out.push({
      name,
      input: buildBatchWitness(state, txs, fee, SHAPE_REG, TEST_BINDING).input as CircuitInput,
    });
  run("two deposits that open accounts", [deposit(0, 10n ** 6n), deposit(1, 10n ** 6n, 0, 1)]);
  run("a deposit that credits, one to an empty id that opens", [deposit(2, 500n, 2), deposit(2, 700n, 9)]);
  run("transfer and withdraw", [
    sign({ type: TxType.Transfer, from: 1, nonce: 0, fee: 10n, to: 2, amount: 2500n }, 0),
    sign({ type: TxType.Withdraw, from: 2, nonce: 0, fee: 20n, amount: 3000n, recipient: L1[1]! }, 1),
  ]);
  run(
    "stake and register a contribution, fees burnt",
    [sign({ type: TxType.Stake, from: 1, nonce: 1, fee: 1n, amount: 5000n }, 0), contribution(2, 1, 150n)],
    7,
  );
  run("unstake and register a model", [
    sign({ type: TxType.Unstake, from: 1, nonce: 2, fee: 1n, amount: 500n }, 0),
    registerModel(3, [1]),
  ]);
  run("an inference and a slash above the stake", [inference(2, 2, 60n), slash(1, 10n ** 9n)]);
  run("create a curated Datanet", [
    sign(
      {
        type: TxType.CreateDatanet,
        from: 1,
        nonce: 4,
        fee: 1n,
        metadataHash: 9n,
        licensePolicy: 1 << 2,
        curationMode: CurationMode.Curated,
        curators: [1, 3],
        minStake: 120n,
      },
      0,
    ),
  ]);
  run("a contribution held pending", [contribution(2, 3, 130n, 2)]);
  run("a rejection with its refund", [
    sign({ type: TxType.Curate, from: 1, nonce: 5, fee: 1n, contribution: 2, accept: false }, 0),
  ]);
  run("a forced withdrawal above the balance and a parameter change", [
    forced(3, 10n ** 9n),
    setParam(3, 250n),
  ]);
  // The tree full (ids 1..63), and account 2 at its last nonce.
  for (let id = 4; id < 64; id++) state.setAccount(id, state.accounts.get(3)!);
  state.counters = { ...state.counters, accounts: 63 };
  state.setAccount(2, { ...state.accounts.get(2)!, nonce: LAST_NONCE });
  run("a refunded deposit and a stranger's forced withdrawal on an account at its last nonce", [
    deposit(1, 5n),
    forced(2, 5n, 0),
  ]);
  return out;
}

let circuit: CompiledCircuit;
let r1cs: R1cs;
let symbols: SymbolTable;
/** Per hint file: its kept wires, the changes of them refused and accepted (legitimately), its folded signals. */
const report = new Map<string, { kept: number; refused: number; accepted: number; removed: number }>();
beforeAll(async () => {
  circuit = await compileCircuit("batch_8x2_2tx_1reg", { log: () => {} });
  r1cs = await readR1cs(circuit.r1cs);
  symbols = await readSymbolTable(circuit.sym);
}, 900_000);
afterAll(() => {
  for (const [file, r] of report) {
    console.log(
      `${file}: ${r.kept} kept wires, changes refused ${r.refused}, accepted ${r.accepted} (legitimate); ${r.removed} signals folded into other wires by the optimiser`,
    );
  }
});

describe("every `<--` hint of circuits/lib", () => {
  it("has an entry naming its signals in the batch circuit (the reward circuit's own: rewards/mutation.test.ts)", () => {
    const found = hintsUnder(LIB).filter((h) => !h.startsWith("rewards/"));
    const listed = HINTS.flatMap((h) => h.signals.map((s) => `${h.file}:${s}`));
    expect(found).toEqual(listed.sort());
  });

  it("names signals the batch circuit has, kept or folded by the optimiser", () => {
    for (const h of HINTS) {
      const names = [...symbols.wires.keys(), ...symbols.removed].filter((n) => h.pattern.test(n));
      expect([h.file, names.length > 0]).toEqual([h.file, true]);
    }
  });
});

describe("batch_8x2_2tx_1reg: honest witnesses, every kept wire changed", () => {
  it("refuses every change of every wire, but the legitimate ones listed, on batches of every kind", async () => {
    const all = selectWires(symbols.wires, /./);
    // Every pair group names kept wires, so none is checked vacuously.
    for (const g of PAIR_GROUPS) {
      const groups = groupsOf(all, g);
      expect([String(g), groups.length > 0 && groups.every((m) => m.length >= 2)]).toEqual([String(g), true]);
    }
    const unexplained: string[] = [];
    const legitimate = new Map<string, number>();
    for (const s of scenarios()) {
      const checker = new ConstraintChecker(r1cs, await calculateWitness(circuit, s.input));
      const results = mutateEach(checker, all);
      for (const r of results) {
        if (r.survivors.length === 0) continue;
        const why = LEGITIMATE.find((l) => l.pattern.test(r.name) && l.when(r));
        if (why) legitimate.set(why.reason, (legitimate.get(why.reason) ?? 0) + 1);
        else unexplained.push(`${s.name}: ${r.name} = ${r.value} accepts ${r.survivors.join(", ")}`);
      }
      for (const h of HINTS) {
        const kept = results.filter((r) => h.pattern.test(r.name));
        const entry = report.get(h.file) ?? { kept: kept.length, refused: 0, accepted: 0, removed: 0 };
        entry.removed = symbols.removed.filter((n) => h.pattern.test(n)).length;
        for (const r of kept) {
          const tried = defaultAlternatives(r.value, checker.prime).filter((x) => x !== r.value).length;
          entry.refused += tried - r.survivors.length;
          entry.accepted += r.survivors.length;
        }
        report.set(h.file, entry);
      }
      for (const group of PAIR_GROUPS) {
        for (const members of groupsOf(all, group)) {
          for (const r of mutatePairs(checker, members)) {
            if (r.survivors.length > 0) unexplained.push(`${s.name}: ${r.first.name} with ${r.second.name}`);
          }
        }
      }
    }
    expect(unexplained).toEqual([]);
    // Both legitimate cases occur, so the list is not stale.
    expect([...legitimate.keys()].sort()).toEqual(LEGITIMATE.map((l) => l.reason).sort());
  }, 900_000);
});

/** The wires matching `pattern`, one group per value of its first capture (the component's index), if any. */
function groupsOf(wires: readonly NamedWire[], pattern: RegExp): NamedWire[][] {
  const groups = new Map<string, NamedWire[]>();
  for (const w of wires) {
    const m = pattern.exec(w.name);
    if (m) groups.set(m[1] ?? "", [...(groups.get(m[1] ?? "") ?? []), w]);
  }
  return [...groups.values()];
}
