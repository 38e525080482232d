/**
 * The gradient method's settlement circuit `reward_tracin_2x4x4_3x5` on real iris rows: the
 * scores are recomputed in the circuit from row factors that open the model's checkpoint
 * commitment and test factors that open each record's feature commitment. The honest witness
 * built by the TypeScript twin (protocol/rewards/tracin-witness.ts) gives the twin's public
 * input; each tamper is refused by the twin and by the circuit at the check it targets, or at
 * the constraint level where the tampered value is a hint.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type CompiledCircuit, compileCircuit } from "../../circuits/tools/artifacts.ts";
import { readR1cs } from "../../circuits/tools/r1cs-constraints.ts";
import { ConstraintChecker, mutateEach, selectWires } from "../../circuits/tools/r1cs-mutation.ts";
import { readSymbols } from "../../circuits/tools/symbols.ts";
import { calculateWitness, circuitOutputs, firstFailure } from "../../circuits/tools/witness.ts";
import { refusalAt } from "../../circuits/lib/batch/fixtures.ts";
import { attribute } from "../../prover/attribution/engine.ts";
import { payableScores } from "../../prover/attribution/settlement-scores.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { signedToField } from "../../protocol/fixed-point.ts";
import { rowScore } from "../../protocol/rewards/row-scores.ts";
import type { Settlement } from "../../protocol/rewards/settlement.ts";
import { buildTracinWitness, type TracinFactors } from "../../protocol/rewards/tracin-witness.ts";
import { buildSettlementWitness, type SettlementCircuitInput } from "../../protocol/rewards/witness.ts";
import { TRACIN_SHAPE, tracinFixture } from "./tracin-fixture.ts";

const fixture = tracinFixture();
const { factors } = fixture;

/** The twin's witness for the fixture, or for changed factors / scores on a fresh copy of its state. */
function witness(change: { factors?: TracinFactors; settlement?: Settlement } = {}) {
  const f = tracinFixture();
  return buildTracinWitness(
    f.state,
    change.settlement ?? f.settlement,
    f.end,
    TRACIN_SHAPE,
    change.factors ?? f.factors,
  );
}
/** The factor signals of RewardSettlementTracin, beside the settlement's. */
interface FactorInput {
  rowActive: string[][];
  rowR: string[][][];
  rowX: string[][][];
  testR: string[][];
  testX: string[][];
}
const copy = (input: SettlementCircuitInput) =>
  structuredClone(input) as SettlementCircuitInput & FactorInput;
const at = (template: string, file: string, text: string) => refusalAt(template, `rewards/${file}`, text);
/** Lane j's rows that score negatively / positively for inference i. */
const rowsBySign = (i: number, j: number, negative: boolean) =>
  factors.contributions[j]!.map((row, k) => ({ k, a: rowScore(factors.inferences[i]!, row) })).filter(
    ({ a }) => (negative ? a < 0n : a > 0n),
  );

describe("the gradient method's settlement on iris: the TypeScript twin", () => {
  it("carries the engine's payable scores, clipped per row, and a duplicate row is not a row of the lane", () => {
    fixture.inputs.forEach((x, i) => {
      const result = attribute("tracin", fixture.modelBytes, fixture.rows, { x });
      expect(payableScores(result, [1, 2, 3])).toEqual(fixture.settlement.scores[i]);
    });
    expect(factors.contributions.map((rows) => rows.length)).toEqual([4, 3, 2]);
    // Both signs occur in one lane, so the per-row clip matters, and some lane is paid.
    expect(rowsBySign(0, 0, true).length + rowsBySign(1, 0, true).length).toBeGreaterThan(0);
    expect(fixture.settlement.scores.flat().some((s) => s > 0n)).toBe(true);
  });

  it("refuses scores, row factors or test factors that do not agree with the commitments", () => {
    const refused = (change: Parameters<typeof witness>[0], message: RegExp) =>
      expect(() => witness(change)).toThrow(
        expect.objectContaining({
          code: ErrorCode.InvalidTransaction,
          message: expect.stringMatching(message),
        }),
      );
    const s = fixture.settlement;
    refused(
      { settlement: { ...s, scores: [s.scores[0]!.map((v, j) => (j === 0 ? v + 1n : v)), s.scores[1]!] } },
      /^lane \(0, 0\): the settlement pays inference 1 for contribution 1 the score \d+, its rows give \d+$/,
    );
    const lanes = factors.contributions.map((rows) => [...rows]);
    lanes[0]![0] = { ...lanes[0]![0]!, x: lanes[0]![0]!.x.map((v, j) => (j === 0 ? v + 1n : v)) };
    refused({ factors: { ...factors, contributions: lanes } }, /checkpoint commitment/);
    const tests = [...factors.inferences];
    tests[1] = { ...tests[1]!, r: tests[1]!.r.map((v, a) => (a === 0 ? v + 1n : v)) };
    refused({ factors: { ...factors, inferences: tests } }, /feature commitment/);
  });
});

describe("the gradient method's settlement on iris: reward_tracin_2x4x4_3x5", () => {
  let circuit: CompiledCircuit;
  beforeAll(async () => {
    circuit = await compileCircuit("reward_tracin_2x4x4_3x5", { log: () => {} });
  }, 900_000);
  const output = async (input: SettlementCircuitInput) => (await circuitOutputs(circuit, input, 1))[0];
  const tracinAt = (text: string) => at("RewardSettlementTracin", "reward_settlement_tracin.circom", text);
  const laneAt = (text: string) => at("LaneRows", "lane_rows.circom", text);

  it("gives the twin's public input, the same as the plain settlement's with those scores", async () => {
    const w = witness();
    const f = tracinFixture();
    const plain = buildSettlementWitness(f.state, f.settlement, f.end, TRACIN_SHAPE);
    expect(w.publicInput).toBe(plain.publicInput);
    expect(await output(w.input)).toBe(w.publicInput);
  });

  it("refuses a changed row factor where the checkpoint root is checked", async () => {
    const input = copy(witness().input);
    input.rowX[0]![1]![2] = (BigInt(input.rowX[0]![1]![2]!) + 1n).toString();
    expect(await firstFailure(circuit, input)).toMatch(tracinAt("checkpoint.root === modelFields[3]"));
  });

  it("refuses a changed test factor where the record's feature commitment is checked", async () => {
    const input = copy(witness().input);
    input.testR[1]![0] = (BigInt(input.testR[1]![0]!) + 1n).toString();
    expect(await firstFailure(circuit, input)).toMatch(
      tracinAt("(scores.featureCommitments[i] - records[i][4])"),
    );
  });

  describe("padding", () => {
    const positive = () => {
      const hit = [0, 1].flatMap((i) =>
        [0, 1, 2].flatMap((j) => rowsBySign(i, j, false).map((r) => ({ i, j, ...r }))),
      );
      expect(hit.length).toBeGreaterThan(0);
      return hit[0]!;
    };
    const field = (v: bigint) => signedToField(v).toString();

    it("an inactive slot holding a paying row's factors scores nothing: same witness, same public input", async () => {
      const w = witness();
      const input = copy(w.input);
      const { j, k } = positive();
      // Contribution 3 (lane 2) has 2 rows: slot 3 is padding.
      input.rowR[2]![3] = factors.contributions[j]![k]!.r.map(field);
      input.rowX[2]![3] = factors.contributions[j]![k]!.x.map(field);
      expect(await output(input)).toBe(w.publicInput);
    });

    it("refuses a padding slot made active: the lane's leaf, so the checkpoint, changes", async () => {
      const input = copy(witness().input);
      const { j, k } = positive();
      input.rowR[2]![2] = factors.contributions[j]![k]!.r.map(field);
      input.rowX[2]![2] = factors.contributions[j]![k]!.x.map(field);
      input.rowActive[2]![2] = "1";
      expect(await firstFailure(circuit, input)).toMatch(tracinAt("checkpoint.root === modelFields[3]"));
    });

    it("refuses active slots that are not a prefix, and an active slot in an unused lane", async () => {
      const gap = copy(witness().input);
      gap.rowActive[2] = ["1", "1", "0", "1"];
      expect(await firstFailure(circuit, gap)).toMatch(laneAt("active[k] * (1 - active[k - 1]) === 0"));
      const unused = copy(witness().input);
      unused.rowActive[3] = ["1", "0", "0", "0"];
      expect(await firstFailure(circuit, unused)).toMatch(laneAt("unused.out * active[0] === 0"));
    });
  });

  describe("at the constraint level (a row's sign and floor are hints, the witness generator computes them honestly)", () => {
    let checker: ConstraintChecker;
    let wires: Map<string, number>;
    beforeAll(async () => {
      checker = new ConstraintChecker(
        await readR1cs(circuit.r1cs),
        await calculateWitness(circuit, witness().input),
      );
      wires = await readSymbols(circuit.sym);
    });
    /** The changes' refusal by RowScore `row`'s own constraints (its wires and the factor inputs). */
    const refusedByRow = (changes: Map<number, bigint>, row: string) => {
      const names = new Map<number, string[]>();
      for (const [name, w] of wires) names.set(w, [...(names.get(w) ?? []), name]);
      const own = [`${row}.`, "main.rowActive[", "main.rowR[", "main.rowX[", "main.testR[", "main.testX["];
      return checker.violatedWithin(changes, names, own);
    };
    const wire = (name: string) => {
      const w = wires.get(name);
      expect(w, name).toBeDefined();
      return w!;
    };

    it("refuses every kept wire of the scores, the checkpoint root and the feature checks changed alone", () => {
      const targets = selectWires(wires, /^main\.(scores|checkpoint|unsettled\[\d\])\./);
      expect(targets.length).toBeGreaterThan(12_000);
      const survivors = mutateEach(checker, targets).filter((r) => r.survivors.length > 0);
      // circomlib IsZero's inverse is free where its input is 0: the unused lane's id (3).
      expect(survivors.map((r) => `${r.name} = ${r.value}`)).toEqual(["main.scores.lane[3].unused.inv = 0"]);
    });

    it("refuses a lane claimed one higher than its rows give", () => {
      const out = wire("main.scores.row[0][0][0].out");
      expect(refusedByRow(new Map([[out, checker.value(out) + 1n]]), "main.scores.row[0][0][0]")).not.toEqual(
        [],
      );
    });

    it("refuses a negative row counted as positive (paid its low bits)", () => {
      const negative = [0, 1].flatMap((i) =>
        [0, 1, 2].flatMap((j) => rowsBySign(i, j, true).map((r) => ({ i, j, ...r }))),
      );
      expect(negative.length).toBeGreaterThan(0);
      const { i, j, k, a } = negative[0]!;
      const row = `main.scores.row[${i}][${j}][${k}]`;
      const paying = wire(`${row}.paying`);
      const out = wire(`${row}.out`);
      expect([checker.value(paying), checker.value(out)]).toEqual([0n, 0n]);
      // Bits 32..83 hold a + 2^52; the sign bit (84) the optimiser expressed through s and the
      // other bits, so it cannot be set on its own: paying = active · sign refuses the change.
      let low = 0n;
      for (let b = 32; b < 84; b++) low += checker.value(wire(`${row}.bits.out[${b}]`)) << BigInt(b - 32);
      expect(low).toBe(a + (1n << 52n));
      const changes = new Map([
        [paying, 1n],
        [out, low],
      ]);
      expect(refusedByRow(changes, row)).not.toEqual([]);
      expect(refusedByRow(new Map([[out, low]]), row)).not.toEqual([]);
    });
  });
});
