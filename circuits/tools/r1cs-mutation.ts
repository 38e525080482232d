/**
 * Mutation testing at the constraint level. The witness generator recomputes every `<--` hint
 * honestly, so a test through it cannot show that a hint is under-constrained; here an honest
 * witness's wires are changed directly and checked against the R1CS. A change can only break
 * the constraints that read a changed wire, so only those are evaluated: from the honest
 * values of A·w, B·w and C·w plus each changed term (a wire -> constraints index). A sweep
 * over a 220k-wire batch circuit takes seconds instead of hours.
 */
import { CircuitBuildError, CircuitBuildErrorCode } from "./errors.ts";
import type { LinearCombination, R1cs } from "./r1cs-constraints.ts";

/** A kept wire and the signal name the .sym gives it. */
export interface NamedWire {
  readonly name: string;
  readonly wire: number;
}

export interface MutationResult extends NamedWire {
  /** The honest value. */
  readonly value: bigint;
  /** The values tried that no constraint refused: empty when the wire is pinned. */
  readonly survivors: readonly bigint[];
}

/** A fixed, large offset: a change no small-range or boolean check can absorb by accident. */
const FAR = (1n << 200n) + 0x5eedn;

/** What `mutateEach` tries by default: one up, one down, one far away (mod p). */
export function defaultAlternatives(value: bigint, prime: bigint): bigint[] {
  return [value + 1n, value - 1n, value + FAR].map((x) => ((x % prime) + prime) % prime);
}

export class ConstraintChecker {
  readonly prime: bigint;
  private readonly constraints: R1cs["constraints"];
  private readonly witness: readonly bigint[];
  /** Compressed rows: the constraints reading wire w are list[start[w] .. start[w + 1]). */
  private readonly start: Int32Array;
  private readonly list: Int32Array;
  /** A·w, B·w, C·w of the honest witness, per constraint. */
  private readonly honest: [bigint[], bigint[], bigint[]];

  /** `witness` is indexed by wire (wire 0 = 1) and must satisfy every constraint. */
  constructor(r1cs: R1cs, witness: readonly bigint[]) {
    this.prime = r1cs.header.prime;
    this.constraints = r1cs.constraints;
    this.witness = witness;
    if (witness.length !== r1cs.header.wires) {
      throw new CircuitBuildError(
        CircuitBuildErrorCode.InvalidWitness,
        `the witness has ${witness.length} wires, the circuit ${r1cs.header.wires}`,
      );
    }
    const p = this.prime;
    const evaluate = (lc: LinearCombination) => {
      let acc = 0n;
      for (const [wire, coef] of lc) acc += coef * witness[wire]!;
      return acc % p;
    };
    this.honest = [[], [], []];
    const count = new Int32Array(r1cs.header.wires + 1);
    this.constraints.forEach((abc, i) => {
      abc.forEach((lc, k) => this.honest[k]!.push(evaluate(lc)));
      const [a, b, c] = this.honest.map((v) => v[i]!);
      if ((a! * b! - c!) % p !== 0n) {
        throw new CircuitBuildError(
          CircuitBuildErrorCode.InvalidWitness,
          `the witness violates constraint ${i}: it is not honest`,
        );
      }
      for (const wire of wiresOf(abc)) count[wire + 1]!++;
    });
    for (let w = 0; w < r1cs.header.wires; w++) count[w + 1]! += count[w]!;
    this.start = count;
    this.list = new Int32Array(count[r1cs.header.wires]!);
    const next = count.slice(0, r1cs.header.wires);
    this.constraints.forEach((abc, i) => {
      for (const wire of wiresOf(abc)) this.list[next[wire]!++] = i;
    });
  }

  /** The honest value of a wire. */
  value(wire: number): bigint {
    return this.witness[wire]!;
  }

  /** The constraints that read `wire`. */
  constraintsOf(wire: number): Int32Array {
    return this.list.subarray(this.start[wire]!, this.start[wire + 1]!);
  }

  /** The constraints violated once `changes` (wire -> new value) replace honest values. */
  violated(changes: ReadonlyMap<number, bigint>): number[] {
    const p = this.prime;
    const touched = new Set<number>();
    for (const wire of changes.keys()) {
      if (wire === 0)
        throw new CircuitBuildError(CircuitBuildErrorCode.InvalidWitness, "wire 0 is the constant 1");
      for (const i of this.constraintsOf(wire)) touched.add(i);
    }
    const out: number[] = [];
    for (const i of touched) {
      const [a, b, c] = this.constraints[i]!.map((lc, k) => {
        let acc = this.honest[k]![i]!;
        for (const [wire, x] of changes) {
          const coef = lc.get(wire);
          if (coef !== undefined) acc += coef * (x - this.witness[wire]!);
        }
        return acc % p;
      });
      if ((a! * b! - c!) % p !== 0n) out.push(i);
    }
    return out.sort((x, y) => x - y);
  }

  /**
   * The violated constraints that read only wires named under one of `prefixes` (`names`: the
   * .sym names of each kept wire): a refusal by that component itself, not by the constraints
   * downstream that the change upsets as well.
   */
  violatedWithin(
    changes: ReadonlyMap<number, bigint>,
    names: ReadonlyMap<number, readonly string[]>,
    prefixes: readonly string[],
  ): number[] {
    const named = (w: number) => w === 0 || names.get(w)?.some((n) => prefixes.some((p) => n.startsWith(p)));
    return this.violated(changes).filter((i) =>
      this.constraints[i]!.every((lc) => [...lc.keys()].every(named)),
    );
  }
}

function* wiresOf(abc: readonly LinearCombination[]): Generator<number> {
  const seen = new Set<number>();
  for (const lc of abc) {
    for (const wire of lc.keys()) {
      if (wire !== 0 && !seen.has(wire)) {
        seen.add(wire);
        yield wire;
      }
    }
  }
}

/**
 * Changes each wire alone to each alternative value and records the values no constraint
 * refuses. A survivor is an under-constrained wire, unless the alternative witness is a
 * legitimate one that changes nothing public (the caller decides, and says why).
 */
export function mutateEach(
  checker: ConstraintChecker,
  targets: readonly NamedWire[],
  alternatives: (value: bigint, prime: bigint) => bigint[] = defaultAlternatives,
): MutationResult[] {
  return targets.map(({ name, wire }) => {
    const value = checker.value(wire);
    const survivors = alternatives(value, checker.prime).filter(
      (x) => x !== value && checker.violated(new Map([[wire, x]])).length === 0,
    );
    return { name, wire, value, survivors };
  });
}

/** The kept wires whose signal name matches `pattern`, in wire order. */
export function selectWires(wires: ReadonlyMap<string, number>, pattern: RegExp): NamedWire[] {
  const out: NamedWire[] = [];
  for (const [name, wire] of wires) if (pattern.test(name)) out.push({ name, wire });
  return out.sort((x, y) => x.wire - y.wire);
}

export interface PairMutationResult {
  readonly first: NamedWire;
  readonly second: NamedWire;
  /** The accepted (first, second) values. */
  readonly survivors: readonly (readonly [bigint, bigint])[];
}

/**
 * What `mutatePairs` tries: both flipped (x -> 1 - x: one selector for another) and one moved
 * up while the other moves down (a sum kept: a linear constraint the optimiser folded in).
 */
export function defaultPairAlternatives(a: bigint, b: bigint, prime: bigint): [bigint, bigint][] {
  const mod = (x: bigint) => ((x % prime) + prime) % prime;
  return [
    [1n - a, 1n - b],
    [a + 1n, b - 1n],
    [a - 1n, b + 1n],
  ].map(([x, y]) => [mod(x!), mod(y!)]);
}

/**
 * Changes every pair of `targets` together. Single changes miss a selector that is wrong only
 * together with another (two flags swapped keep their sum), so small groups such as one
 * component's flags are checked in pairs too.
 */
export function mutatePairs(
  checker: ConstraintChecker,
  targets: readonly NamedWire[],
  alternatives: (a: bigint, b: bigint, prime: bigint) => [bigint, bigint][] = defaultPairAlternatives,
): PairMutationResult[] {
  const out: PairMutationResult[] = [];
  for (let i = 0; i < targets.length; i++) {
    for (let j = i + 1; j < targets.length; j++) {
      const [first, second] = [targets[i]!, targets[j]!];
      const [a, b] = [checker.value(first.wire), checker.value(second.wire)];
      const survivors = alternatives(a, b, checker.prime).filter(
        ([x, y]) =>
          (x !== a || y !== b) &&
          checker.violated(
            new Map([
              [first.wire, x],
              [second.wire, y],
            ]),
          ).length === 0,
      );
      out.push({ first, second, survivors });
    }
  }
  return out;
}
