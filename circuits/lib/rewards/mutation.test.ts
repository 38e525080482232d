/**
 * The reward circuit at the constraint level (docs/circuits.md, "Soundness at the constraint
 * level"), on `reward_2x4`: honest settlements from the TypeScript twin, every kept wire
 * changed alone, and the wires of each division (BpsShare, ProportionalShare) and of each
 * credit's AccountUnpack in pairs, checked against the R1CS. A change no constraint refuses is
 * an under-constrained signal, unless listed below as a legitimate alternative with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewardFixture } from "../../../protocol/rewards/testing.ts";
import type { Settlement } from "../../../protocol/rewards/settlement.ts";
import { buildSettlementWitness, type SettlementCircuitInput } from "../../../protocol/rewards/witness.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { hintsUnder } from "../../tools/hints.ts";
import { type R1cs, readR1cs } from "../../tools/r1cs-constraints.ts";
import {
  ConstraintChecker,
  type MutationResult,
  mutateEach,
  mutatePairs,
  type NamedWire,
  selectWires,
} from "../../tools/r1cs-mutation.ts";
import { readSymbolTable, type SymbolTable } from "../../tools/symbols.ts";
import { calculateWitness } from "../../tools/witness.ts";

const LIB = new URL("..", import.meta.url).pathname;
const SHAPE = { inferences: 2, contributions: 4 };

/**
 * Every `<--` the reward circuit runs: those of circuits/lib/rewards and AccountUnpack's, with
 * the names their signals have in `reward_2x4` (kept, or folded by the optimiser).
 */
const HINTS: { file: string; signals: string[]; pattern: RegExp }[] = [
  {
    file: "rewards/bps_share.circom",
    signals: ["out", "rem"],
    pattern: /^main\.split\[\d\]\.\w+Share\.(out|rem|outBits\.out\[\d+\])$/,
  },
  {
    file: "rewards/proportional_share.circom",
    signals: ["out", "rem"],
    pattern: /^main\.data\[\d\]\.(share\[\d\]|whole)\.(out|rem|outBits\.out\[\d+\])$/,
  },
  {
    file: "state/account_unpack.circom",
    signals: ["balance", "nonce", "staked"],
    pattern: /^main\.credit\[\d\]\.unpack\.(balance|nonce|staked)$/,
  },
];

/** The wires also changed in pairs, a group per value of the first capture. */
const PAIR_GROUPS = [
  // Per inference, its split's kept wires but the range checks' bits: the shares' products
  // and remainders, and the outputs their quotients are folded into.
  /^main\.(split\[\d\])\.(?:\w+Share\.(?:product|rem)|prover|protocol|owner|base|pool)$/,
  // Per inference, its pool's division: the quotient and the remainder (kept as the first
  // pair's amount), which the pairs' quotients read.
  /^main\.(data\[\d\])\.(?:whole\.out|share\[0\]\.amount)$/,
  // Per data credit: its product and remainder.
  /^main\.(data\[\d\]\.share\[\d\])\.(?:product|rem)$/,
  /^main\.(credit\[\d\])\.unpack\./,
];

/** Survivors that are legitimate: the alternative witness changes no other wire and nothing public. */
const LEGITIMATE: { pattern: RegExp; when: (r: MutationResult) => boolean; reason: string }[] = [
  {
    pattern: /\.inv$/,
    when: (r) => r.value === 0n,
    reason:
      "circomlib IsZero: its input is 0 (the honest inverse is 0: an unused lane's id, a base model of 0, an inference scored 0 everywhere), so `out` is 1 whatever the inverse",
  },
];

/** Settlements on the fixture's closed epoch: its own, a model without base model, and lanes full. */
function scenarios(): { name: string; input: SettlementCircuitInput }[] {
  const run = (name: string, change: (s: Settlement) => Settlement) => {
    const f = rewardFixture({ witness: true });
    return { name, input: buildSettlementWitness(f.state, change(f.settlement), f.end, SHAPE).input };
  };
  return [
    run("a fine-tune, one owner in two lanes, an inference scored 0", (s) => s),
    run("no base model, one inference lane and two contribution lanes unused", (s) => ({
      ...s,
      model: 1,
      inferences: [2],
      scores: [[3n, 1n]],
    })),
    run("both inference lanes, every score above 0, dust on both", (s) => ({
      ...s,
      inferences: [3, 4],
      scores: [
        [1n, 2n, (1n << 64n) - 1n],
        [7n, 7n, 7n],
      ],
    })),
  ];
}

let circuit: CompiledCircuit;
let r1cs: R1cs;
let symbols: SymbolTable;
const report: string[] = [];
beforeAll(async () => {
  circuit = await compileCircuit("reward_2x4", { log: () => {} });
  r1cs = await readR1cs(circuit.r1cs);
  symbols = await readSymbolTable(circuit.sym);
}, 900_000);
afterAll(() => {
  for (const line of report) console.log(line);
});

describe("every `<--` hint the reward circuit runs", () => {
  it("has an entry: those of circuits/lib/rewards and AccountUnpack's", () => {
    const found = hintsUnder(LIB).filter(
      (h) => h.startsWith("rewards/") || h.startsWith("state/account_unpack"),
    );
    expect(found).toEqual(HINTS.flatMap((h) => h.signals.map((s) => `${h.file}:${s}`)).sort());
  });

  it("names signals reward_2x4 has, kept or folded by the optimiser", () => {
    for (const h of HINTS) {
      const names = [...symbols.wires.keys(), ...symbols.removed].filter((n) => h.pattern.test(n));
      expect([h.file, names.length > 0]).toEqual([h.file, true]);
    }
  });
});

describe("reward_2x4: honest settlements, every kept wire changed", () => {
  it("refuses every change of every wire, alone and in the pairs listed, but the legitimate ones", async () => {
    const all = selectWires(symbols.wires, /./);
    for (const g of PAIR_GROUPS) {
      const groups = groupsOf(all, g);
      expect([String(g), groups.length > 0 && groups.every((m) => m.length >= 2)]).toEqual([String(g), true]);
    }
    const unexplained: string[] = [];
    const legitimate = new Map<string, number>();
    for (const s of scenarios()) {
      const checker = new ConstraintChecker(r1cs, await calculateWitness(circuit, s.input));
      const results = mutateEach(checker, all);
      let pairs = 0;
      for (const r of results) {
        if (r.survivors.length === 0) continue;
        const why = LEGITIMATE.find((l) => l.pattern.test(r.name) && l.when(r));
        if (why) legitimate.set(why.reason, (legitimate.get(why.reason) ?? 0) + 1);
        else unexplained.push(`${s.name}: ${r.name} = ${r.value} accepts ${r.survivors.join(", ")}`);
      }
      for (const group of PAIR_GROUPS) {
        for (const members of groupsOf(all, group)) {
          for (const r of mutatePairs(checker, members)) {
            pairs++;
            if (r.survivors.length > 0) unexplained.push(`${s.name}: ${r.first.name} with ${r.second.name}`);
          }
        }
      }
      report.push(`${s.name}: ${results.length} kept wires changed alone, ${pairs} pairs`);
    }
    expect(unexplained).toEqual([]);
    expect([...legitimate.keys()]).toEqual(LEGITIMATE.map((l) => l.reason));
  }, 900_000);
});

/** The wires matching `pattern`, one group per value of its first capture. */
function groupsOf(wires: readonly NamedWire[], pattern: RegExp): NamedWire[][] {
  const groups = new Map<string, NamedWire[]>();
  for (const w of wires) {
    const m = pattern.exec(w.name);
    if (!m) continue;
    groups.set(m[1] ?? "", [...(groups.get(m[1] ?? "") ?? []), w]);
  }
  return [...groups.values()];
}
