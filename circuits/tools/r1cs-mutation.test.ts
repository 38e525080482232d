/**
 * The mutation harness on a circuit small enough to break on purpose: AccountSlotKind's flags
 * are pinned by its constraints, and with any one constraint dropped some change of its wires
 * survives, so a survivor is what a missing constraint looks like.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CircuitBuildErrorCode } from "./errors.ts";
import { compileCircuit } from "./artifacts.ts";
import { type R1cs, readR1cs } from "./r1cs-constraints.ts";
import { ConstraintChecker, mutateEach, mutatePairs, type NamedWire, selectWires } from "./r1cs-mutation.ts";
import { readSymbols } from "./symbols.ts";
import { calculateWitness } from "./witness.ts";

const TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

let r1cs: R1cs;
let targets: NamedWire[];
const witnesses: bigint[][] = [];
beforeAll(async () => {
  const circuit = await compileCircuit("account_slot_kind", { log: () => {} });
  r1cs = await readR1cs(circuit.r1cs);
  targets = selectWires(await readSymbols(circuit.sym), /^main\./);
  for (const type of TYPES) witnesses.push(await calculateWitness(circuit, { type }));
}, 120_000);

/** The changes of single wires and of pairs that `system` accepts, over every type. */
function survivors(system: R1cs): string[] {
  const found: string[] = [];
  witnesses.forEach((witness, t) => {
    const checker = new ConstraintChecker(system, witness);
    for (const r of mutateEach(checker, targets)) {
      if (r.survivors.length > 0) found.push(`type ${t}: ${r.name}`);
    }
    for (const r of mutatePairs(checker, targets)) {
      if (r.survivors.length > 0) found.push(`type ${t}: ${r.first.name} with ${r.second.name}`);
    }
  });
  return found;
}

describe("R1CS mutation harness", () => {
  it("finds every wire of AccountSlotKind pinned, alone and in pairs, for every type", () => {
    expect(targets.length).toBeGreaterThan(5);
    expect(survivors(r1cs)).toEqual([]);
  });

  it("reports a survivor once any one of its constraints is dropped", () => {
    expect(r1cs.constraints.length).toBeGreaterThan(5);
    r1cs.constraints.forEach((_, i) => {
      const weakened = { ...r1cs, constraints: r1cs.constraints.filter((_, k) => k !== i) };
      expect([i, survivors(weakened).length > 0]).toEqual([i, true]);
    });
  });

  it("refuses a changed flag through the constraints it touches, and a starting witness that is not honest", () => {
    const checker = new ConstraintChecker(r1cs, witnesses[1]!);
    const flag = targets.find((t) => t.name === "main.isTransfer")!;
    const changed = [...witnesses[1]!];
    changed[flag.wire] = 0n;
    expect(checker.violated(new Map([[flag.wire, 0n]]))).not.toEqual([]);
    expect(() => new ConstraintChecker(r1cs, changed)).toThrow(
      expect.objectContaining({ code: CircuitBuildErrorCode.InvalidWitness }),
    );
  });

  it("keeps, within named wires, only the violated constraints that read nothing else", () => {
    const checker = new ConstraintChecker(r1cs, witnesses[1]!);
    const flag = targets.find((t) => t.name === "main.isTransfer")!;
    const changes = new Map([[flag.wire, 0n]]);
    const all = checker.violated(changes);
    const names = new Map<number, string[]>(targets.map((t) => [t.wire, [t.name]]));
    expect(checker.violatedWithin(changes, names, ["main."])).toEqual(all);
    // Every violated constraint reads the flag, so naming only other wires keeps none.
    expect(checker.violatedWithin(changes, names, ["main.isDeposit"])).toEqual([]);
  });
});
