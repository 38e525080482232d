/**
 * The span circuit at the constraint level (docs/circuits.md, "Soundness at the constraint
 * level"), on `text_span_proof_2_4x16`: honest witnesses from the shared vectors, every kept
 * wire changed alone, and each piece's length selectors in pairs, checked against the R1CS. The
 * text templates run no `<--` hint of their own (circomlib's Num2Bits and IsZero do), so a
 * survivor here is an under-constrained wire.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompiledCircuit, compileCircuit } from "../../tools/artifacts.ts";
import { hintsUnder } from "../../tools/hints.ts";
import { type R1cs, readR1cs } from "../../tools/r1cs-constraints.ts";
import { ConstraintChecker, mutateEach, mutatePairs, selectWires } from "../../tools/r1cs-mutation.ts";
import { readSymbolTable, type SymbolTable } from "../../tools/symbols.ts";
import { type CircuitInput, calculateWitness } from "../../tools/witness.ts";

const LIB = new URL("..", import.meta.url).pathname;
const { spans } = JSON.parse(
  readFileSync(new URL("../../../protocol/vectors/twins.json", import.meta.url), "utf8"),
) as { spans: { accepted: { name: string; input: CircuitInput }[] } };
/** Both pieces used with every second chunk opened; one piece and an unused slot, no second chunk opened. */
const SCENARIOS = [spans.accepted[0]!, spans.accepted[2]!];
/** Per piece, the one-hot of its length: two entries swapped keep their sum. */
const PAIR_GROUP = /^main\.(piece\[\d\])\.len\.oneHot\./;

let circuit: CompiledCircuit;
let r1cs: R1cs;
let symbols: SymbolTable;
const report: string[] = [];
beforeAll(async () => {
  circuit = await compileCircuit("text_span_proof_2_4x16", { log: () => {} });
  r1cs = await readR1cs(circuit.r1cs);
  symbols = await readSymbolTable(circuit.sym);
}, 900_000);
afterAll(() => {
  for (const line of report) console.log(line);
});

describe("text_span_proof_2_4x16: honest witnesses, every kept wire changed", () => {
  it("runs no hint of circuits/lib/text", () => {
    expect(hintsUnder(LIB).filter((h) => h.startsWith("text/"))).toEqual([]);
  });

  it("refuses every change of every wire, alone and the length selectors in pairs", async () => {
    const all = selectWires(symbols.wires, /./);
    const groups = new Map<string, typeof all>();
    for (const w of all) {
      const m = PAIR_GROUP.exec(w.name);
      if (m) groups.set(m[1]!, [...(groups.get(m[1]!) ?? []), w]);
    }
    expect(groups.size).toBe(2);
    const survivors: string[] = [];
    for (const s of SCENARIOS) {
      const checker = new ConstraintChecker(r1cs, await calculateWitness(circuit, s.input));
      for (const r of mutateEach(checker, all)) {
        if (r.survivors.length > 0)
          survivors.push(`${s.name}: ${r.name} = ${r.value} accepts ${r.survivors.join(", ")}`);
      }
      let pairs = 0;
      for (const members of groups.values()) {
        for (const r of mutatePairs(checker, members)) {
          pairs++;
          if (r.survivors.length > 0) survivors.push(`${s.name}: ${r.first.name} with ${r.second.name}`);
        }
      }
      report.push(`${s.name}: ${all.length} kept wires changed alone, ${pairs} pairs`);
    }
    expect(survivors).toEqual([]);
  }, 900_000);
});
