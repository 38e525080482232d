/**
 * MerkleUpdate's negative cases beyond a changed sibling (issue 19, item 8; the batch tests
 * change a sibling). The template outputs both roots and its caller checks oldRoot against the
 * root it holds, so every tampered input must change oldRoot (refused by that check) or newRoot
 * (a post-state the TypeScript never computes). At the constraint level, an honest witness
 * with its roots kept refuses a changed index digit, old leaf or new leaf, and every other
 * single wire: the witness generator recomputes the digit bits honestly, so only the R1CS can
 * show they are pinned.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { generateTwinVectors } from "../../../protocol/vectors/twins.ts";
import { compileCircuit, type CompiledCircuit } from "../../tools/artifacts.ts";
import { type R1cs, readR1cs } from "../../tools/r1cs-constraints.ts";
import { ConstraintChecker, mutateEach, type NamedWire, selectWires } from "../../tools/r1cs-mutation.ts";
import { readSymbols } from "../../tools/symbols.ts";
import { calculateWitness, type CircuitInput, circuitOutputs, firstFailure } from "../../tools/witness.ts";

/** `merkle_update_8x2`: arity 8 (3 bits a digit), depth 2. */
const BITS = 3n;
const DEPTH = 2;
const { updates } = generateTwinVectors().merkle;
type Update = (typeof updates)[number];

let circuit: CompiledCircuit;
let r1cs: R1cs;
let symbols: Map<string, number>;
beforeAll(async () => {
  circuit = await compileCircuit("merkle_update_8x2", { log: () => {} });
  r1cs = await readR1cs(circuit.r1cs);
  symbols = await readSymbols(circuit.sym);
}, 300_000);

function inputOf(
  v: Update,
  change: Partial<Pick<Update, "index" | "oldLeaf" | "newLeaf">> = {},
): CircuitInput {
  const u = { ...v, ...change };
  return {
    index: u.index.toString(),
    oldLeaf: u.oldLeaf.toString(),
    newLeaf: u.newLeaf.toString(),
    siblings: u.siblings.map((level) => level.map(String)),
  };
}

const roots = (input: CircuitInput) => circuitOutputs(circuit, input, 2);

/** `index` with its digit at `level` replaced by the next one (mod 8). */
function otherDigit(index: bigint, level: number): bigint {
  const shift = BITS * BigInt(level);
  const digit = (index >> shift) & 7n;
  return index + ((((digit + 1n) & 7n) - digit) << shift);
}

/** The honest witness of `v` and a checker of changes to it that keep every other wire. */
async function checkerOf(v: Update): Promise<{ witness: bigint[]; checker: ConstraintChecker }> {
  const witness = await calculateWitness(circuit, inputOf(v));
  return { witness, checker: new ConstraintChecker(r1cs, witness) };
}

const wire = (name: string) => {
  const w = symbols.get(name);
  if (w === undefined || w < 0) throw new Error(`${name} is not a kept wire of merkle_update_8x2`);
  return w;
};

describe("MerkleUpdate refuses what the TypeScript refuses", () => {
  it("accepts the TypeScript's updates (the cases below start from them)", async () => {
    for (const v of updates) expect(await roots(inputOf(v))).toEqual([v.oldRoot, v.newRoot]);
  });

  it("a wrong index digit: the new leaf lands elsewhere, and where a leaf was the old root differs too", async () => {
    let nonEmpty = 0;
    for (const v of updates) {
      for (let level = 0; level < DEPTH; level++) {
        const [oldRoot, newRoot] = await roots(inputOf(v, { index: otherDigit(v.index, level) }));
        expect(newRoot).not.toBe(v.newRoot);
        if (v.oldLeaf !== 0n) expect(oldRoot).not.toBe(v.oldRoot);
      }
      if (v.oldLeaf !== 0n) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(0);
    // A digit past the tree's capacity has no bits: refused.
    expect(await firstFailure(circuit, inputOf(updates[0]!, { index: 64n }))).toMatch(/Num2Bits/);
  });

  it("a wrong old leaf changes the old root, which the caller checks", async () => {
    for (const v of updates) {
      const [oldRoot, newRoot] = await roots(inputOf(v, { oldLeaf: v.oldLeaf + 1n }));
      expect([oldRoot === v.oldRoot, newRoot]).toEqual([false, v.newRoot]);
    }
  });

  it("a new root from another leaf than the one written differs, the old root unchanged", async () => {
    for (const v of updates) {
      const [oldRoot, newRoot] = await roots(inputOf(v, { newLeaf: v.newLeaf + 1n }));
      expect([oldRoot, newRoot === v.newRoot]).toEqual([v.oldRoot, false]);
    }
  });
});

describe("MerkleUpdate at the constraint level, roots kept", () => {
  it("refuses an index digit changed alone, or with the index changed to match", async () => {
    for (const v of updates) {
      const { witness, checker } = await checkerOf(v);
      for (const name of ["main.digits.bits[0][0]", "main.digits.bits[1][1]"]) {
        const bit = wire(name);
        const flipped = 1n - witness[bit]!;
        expect(checker.violated(new Map([[bit, flipped]]))).not.toEqual([]);
        const level = Number(name.match(/bits\[(\d)\]/)![1]);
        const t = BigInt(name.match(/\]\[(\d)\]$/)![1]!);
        const index = v.index + (flipped - witness[bit]!) * (1n << (BITS * BigInt(level) + t));
        expect(
          checker.violated(
            new Map([
              [bit, flipped],
              [wire("main.index"), index],
            ]),
          ),
        ).not.toEqual([]);
      }
    }
  });

  it("refuses a changed old leaf or new leaf", async () => {
    for (const v of updates) {
      const { checker } = await checkerOf(v);
      expect(checker.violated(new Map([[wire("main.oldLeaf"), v.oldLeaf + 1n]]))).not.toEqual([]);
      expect(checker.violated(new Map([[wire("main.newLeaf"), v.newLeaf + 1n]]))).not.toEqual([]);
    }
  });

  it("pins every kept wire of every update", async () => {
    const targets: NamedWire[] = selectWires(symbols, /^main\./);
    expect(targets.length).toBeGreaterThan(1000);
    for (const v of updates) {
      const { checker } = await checkerOf(v);
      const free = mutateEach(checker, targets).filter((r) => r.survivors.length > 0);
      expect(free.map((r) => r.name)).toEqual([]);
    }
  });
});
