/**
 * The reward circuit end to end on `reward_2x4` (2 inference lanes, 4 contribution lanes,
 * TEST_PARAMS trees): an honest settlement built by the TypeScript twin (protocol/rewards) has a
 * witness whose public input is the TypeScript's, and tampered settlements are refused, each
 * at the check it targets (`firstFailure`), or at the constraint level where the tampered
 * value is a hint (the split, the data credits), or have another public input.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { rewardFixture } from "../../../protocol/rewards/testing.ts";
import type { Settlement } from "../../../protocol/rewards/settlement.ts";
import {
  buildSettlementWitness,
  type SettlementCircuitInput,
  type SettlementWitness,
} from "../../../protocol/rewards/witness.ts";
import { accountFields, inferenceFields } from "../../../protocol/state/leaves.ts";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { type R1cs, readR1cs } from "../../tools/r1cs-constraints.ts";
import { ConstraintChecker } from "../../tools/r1cs-mutation.ts";
import { readSymbols } from "../../tools/symbols.ts";
import { calculateWitness, type CircuitInput, circuitOutputs, firstFailure } from "../../tools/witness.ts";
import { refusalAt } from "../batch/fixtures.ts";

const SHAPE = { inferences: 2, contributions: 4 };
const C = SHAPE.contributions;

let circuit: CompiledCircuit;
beforeAll(async () => {
  circuit = await compileCircuit("reward_2x4", { log: () => {} });
}, 900_000);

/** The fixture's settlement, or another one on the same closed epoch. */
function settle(change: (s: Settlement) => Settlement = (s) => s): SettlementWitness {
  const f = rewardFixture({ witness: true });
  return buildSettlementWitness(f.state, change(f.settlement), f.end, SHAPE);
}
/** A deep copy of a witness's input, to tamper with. */
const copy = (w: SettlementWitness): SettlementCircuitInput => structuredClone(w.input);
type Lane = string | string[] | string[][];
/** Lane `i` of the array signal `name`. */
const lane = (input: SettlementCircuitInput, name: string, i: number) => (input[name] as Lane[])[i]!;
function setLane(input: SettlementCircuitInput, name: string, i: number, value: Lane): void {
  (input[name] as Lane[])[i] = value;
}
const str = (xs: readonly bigint[]) => xs.map(String);
const path = (siblings: readonly (readonly bigint[])[]) => siblings.map(str);
const output = async (input: CircuitInput) => (await circuitOutputs(circuit, input, 1))[0];
const at = (template: string, file: string, text: string) => refusalAt(template, `rewards/${file}`, text);

describe("reward_2x4: the twin of protocol/rewards", () => {
  it("gives the TypeScript's public input: a fine-tune, one owner in two lanes, an inference scored 0 everywhere", async () => {
    const w = settle();
    expect(w.input.baseModelFields![0]).not.toBe("0");
    expect(await output(w.input)).toBe(w.publicInput);
  });

  it("gives the TypeScript's public input: no base model, one inference lane and two contribution lanes unused", async () => {
    const w = settle((s) => ({ ...s, model: 1, inferences: [2], scores: [[3n, 1n]] }));
    expect(w.input.baseModelFields).toEqual(Array(7).fill("0"));
    expect(w.input.inferenceIds).toEqual(["2", "0"]);
    expect(await output(w.input)).toBe(w.publicInput);
  });
});

describe("reward_2x4: tampered settlements", () => {
  it("a changed score that leaves every credit alone has a witness, for another public input (the TypeScript's for those scores)", async () => {
    const honest = settle();
    const input = copy(honest);
    // [5, 0, 3] and [10, 0, 6] split the pool alike: only the scores commitment changes.
    setLane(input, "scores", 0, ["10", "0", "6", "0"]);
    const changed = await output(input);
    expect(changed).not.toBe(honest.publicInput);
    expect(changed).toBe(settle((s) => ({ ...s, scores: [[10n, 0n, 6n], s.scores[1]!] })).publicInput);
  });

  it("a changed score that moves a credit is refused where the credited leaf no longer opens", async () => {
    const input = copy(settle());
    setLane(input, "scores", 0, ["5", "1", "3", "0"]);
    expect(await firstFailure(circuit, input)).toMatch(
      at("AccountCredit", "account_credit.circom", "active * (update.oldRoot - rootIn)"),
    );
  });

  describe("at the constraint level (the split and the credits are hints)", () => {
    let r1cs: R1cs;
    let checker: ConstraintChecker;
    let wires: Map<string, number>;
    const namesOf = new Map<number, string[]>();
    beforeAll(async () => {
      r1cs = await readR1cs(circuit.r1cs);
      checker = new ConstraintChecker(r1cs, await calculateWitness(circuit, settle().input));
      wires = await readSymbols(circuit.sym);
      for (const [name, wire] of wires) namesOf.set(wire, [...(namesOf.get(wire) ?? []), name]);
    });

    /**
     * The kept wires of the division under `prefix` (BpsShare or ProportionalShare) once its
     * quotient moves by d and its remainder by -d·divisor, so that amount · weight = out ·
     * divisor + rem still holds: only its range checks can refuse it. Every bit recomputed;
     * `quotient` names the output the quotient is copied to, where the optimiser may have kept
     * it; a data credit's move is the dust's opposite one (`dust`), so the pool still adds up.
     */
    function moved(
      prefix: string,
      quotient: string,
      divisor: bigint,
      below: bigint,
      d: bigint,
      dust?: string,
    ): Map<number, bigint> {
      const product = checker.value(wires.get(`${prefix}.product`)!);
      const [out, rem] = [product / divisor + d, (product % divisor) - d * divisor];
      const p = checker.prime;
      const bit = (x: bigint, k: number) => ((((x % p) + p) % p) >> BigInt(k)) & 1n;
      const changes = new Map<number, bigint>();
      for (const [name, wire] of wires) {
        if (!name.startsWith(`${prefix}.`) || name === quotient) continue;
        const k = Number(/\[(\d+)\]$/.exec(name)?.[1]);
        const value = name.startsWith(`${prefix}.outBits.out[`)
          ? bit(out, k)
          : name.startsWith(`${prefix}.remBits.out[`)
            ? bit(rem, k)
            : name.startsWith(`${prefix}.remBelow.out[`)
              ? bit(below - rem, k)
              : name === `${prefix}.rem`
                ? (rem + p) % p
                : name === `${prefix}.out`
                  ? (out + p) % p
                  : checker.value(wire);
        if (value !== checker.value(wire)) changes.set(wire, value);
      }
      // The output moves with the quotient: a data credit is whole · s_j plus the pair's quotient.
      const kept = wires.get(quotient);
      if (kept !== undefined && d !== 0n) changes.set(kept, (checker.value(kept) + d + p) % p);
      const dustWire = dust === undefined ? undefined : wires.get(dust);
      if (dustWire !== undefined && d !== 0n) changes.set(dustWire, (checker.value(dustWire) - d + p) % p);
      return changes;
    }
    /**
     * Violated constraints that read only wires named under `prefixes` (one inference's split or
     * data credits, and the sums they are folded into): the refusal is theirs, not that of the
     * credit lanes downstream, which the change leaves as they were.
     */
    function refusedWithin(changes: Map<number, bigint>, prefixes: string[]): number[] {
      return checker
        .violated(changes)
        .filter((i) =>
          r1cs.constraints[i]!.every((lc) =>
            [...lc.keys()].every(
              (w) => w === 0 || namesOf.get(w)?.some((n) => prefixes.some((q) => n.startsWith(q))),
            ),
          ),
        );
    }

    it("refuses a prover share one more with the treasury's (protocol share) one less, at the bps divisions", () => {
      const w = settle();
      expect(w.receipt.inferences[0]!.split.prover).toBeGreaterThan(0n);
      const prover = "main.split[0].proverShare";
      const protocol = "main.split[0].protocolShare";
      // The model of the wires is the honest witness when nothing moves.
      expect(moved(prover, "main.split[0].prover", 10000n, 9999n, 0n).size).toBe(0);
      const changes = new Map([
        ...moved(prover, "main.split[0].prover", 10000n, 9999n, 1n),
        ...moved(protocol, "main.split[0].protocol", 10000n, 9999n, -1n),
      ]);
      expect(changes.size).toBeGreaterThan(0);
      expect(refusedWithin(changes, ["main.split[0]."])).not.toEqual([]);
    });

    it("refuses a unit of dust created or lost (a data credit one less or one more), at the data division", () => {
      // Inference 1 scores [5, 0, 3, 0]: S = 8.
      for (const d of [1n, -1n]) {
        for (const j of [0, 2]) {
          const share = `main.data[0].share[${j}]`;
          expect(moved(share, `main.data[0].credits[${j}]`, 8n, 7n, 0n).size).toBe(0);
          const changes = moved(share, `main.data[0].credits[${j}]`, 8n, 7n, d, "main.data[0].dust");
          expect(refusedWithin(changes, ["main.data[0].", "main.scores[0]"])).not.toEqual([]);
        }
      }
      // Inference 3 scores nothing (S = 0, so the divisor is 1): a credit of 1 taken from its
      // dust, the remainder -1 keeping 0 · 0 = 1 · 1 + rem.
      const share = "main.data[1].share[0]";
      expect(moved(share, "main.data[1].credits[0]", 1n, 0n, 0n).size).toBe(0);
      const changes = moved(share, "main.data[1].credits[0]", 1n, 0n, 1n, "main.data[1].dust");
      // The optimiser folded this credit into lane 0's total (main.credit[0].amount).
      expect(wires.has("main.data[1].credits[0]")).toBe(false);
      const amount = wires.get("main.credit[0].amount")!;
      changes.set(amount, checker.value(amount) + 1n);
      expect(
        refusedWithin(changes, [
          "main.data[1].",
          "main.scores[1]",
          "main.credit[0].amount",
          "main.data[0].credits[0]",
        ]),
      ).not.toEqual([]);
    });
  });

  it("refuses a credit to another account than the leaf names (contribution 1's owner is account 1, not 2)", async () => {
    const f = rewardFixture({ witness: true });
    const other = {
      fields: accountFields(f.state.accounts.get(2)!),
      siblings: f.state.proof("accounts", 2).siblings,
    };
    const input = copy(buildSettlementWitness(f.state, f.settlement, f.end, SHAPE));
    setLane(input, "accountFields", 0, str(other.fields));
    setLane(input, "accountSiblings", 0, path(other.siblings));
    expect(await firstFailure(circuit, input)).toMatch(
      at("AccountCredit", "account_credit.circom", "active * (update.oldRoot - rootIn)"),
    );
    // The prover share into the treasury's leaf.
    const swapped = copy(settle());
    setLane(swapped, "accountFields", C + 2, lane(swapped, "accountFields", C + 3));
    setLane(swapped, "accountSiblings", C + 2, lane(swapped, "accountSiblings", C + 3));
    expect(await firstFailure(circuit, swapped)).toMatch(
      at("AccountCredit", "account_credit.circom", "active * (update.oldRoot - rootIn)"),
    );
  });

  it("refuses a record of another model (inference 2 is model 1's)", async () => {
    const f = rewardFixture({ witness: true });
    const input = copy(buildSettlementWitness(f.state, f.settlement, f.end, SHAPE));
    // Lane 1 takes record 2 as it stands once lane 0 (record 1) is settled.
    const g = rewardFixture({ witness: true });
    g.state.setInference(1, { ...g.state.inferences.get(1)!, payment: 0n });
    setLane(input, "inferenceIds", 1, "2");
    setLane(input, "records", 1, str(inferenceFields(g.state.inferences.get(2)!)));
    setLane(input, "recordSiblings", 1, path(g.state.proof("inferences", 2).siblings));
    expect(await firstFailure(circuit, input)).toMatch(
      at("SettleRecord", "settle_record.circom", "used * (record[1] - model) === 0"),
    );
  });

  it("refuses an id above the epoch's lastInference", async () => {
    const input = copy(settle());
    setLane(input, "endCounters", 3, "2");
    expect(await firstFailure(circuit, input)).toMatch(
      at("InferenceIds", "inference_ids.circom", "inEpoch[i].in <== lastInference - ids[i]"),
    );
  });

  it("refuses the same record twice, and a record already settled", async () => {
    const twice = copy(settle());
    setLane(twice, "inferenceIds", 1, lane(twice, "inferenceIds", 0));
    setLane(twice, "records", 1, lane(twice, "records", 0));
    expect(await firstFailure(circuit, twice)).toMatch(
      at("InferenceIds", "inference_ids.circom", "increasing[i].in <== used[i] * (ids[i] - ids[i - 1] - 1)"),
    );
    // After the fixture's settlement, settle inference 4 with lane 0 swapped for record 1 (payment 0).
    const f = rewardFixture({ witness: true });
    buildSettlementWitness(f.state, f.settlement, f.end, SHAPE);
    const proof = f.state.proof("inferences", 1).siblings;
    const record = str(inferenceFields(f.state.inferences.get(1)!));
    const input = copy(
      buildSettlementWitness(
        f.state,
        { ...f.settlement, inferences: [4], scores: [[1n, 1n, 1n]] },
        f.end,
        SHAPE,
      ),
    );
    setLane(input, "inferenceIds", 0, "1");
    setLane(input, "records", 0, record);
    setLane(input, "recordSiblings", 0, path(proof));
    expect(await firstFailure(circuit, input)).toMatch(
      at("SettleRecord", "settle_record.circom", "used * settled.out === 0"),
    );
  });
});
