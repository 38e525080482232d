/**
 * Runs a compiled circuit's witness generator (circom's WebAssembly) without any setup, so
 * twin tests can compare circuit outputs with the TypeScript. A violated constraint makes
 * the generator throw: that is how "the circuit refuses this input" is observed.
 */
import { readFile } from "node:fs/promises";
import { WitnessCalculatorBuilder } from "circom_runtime";
import type { CompiledCircuit } from "./artifacts.ts";

type SignalValue = bigint | number | string | SignalValue[];
export type CircuitInput = Record<string, SignalValue>;

interface WitnessCalculator {
  calculateWitness(input: CircuitInput, sanityCheck: boolean): Promise<bigint[]>;
}

const calculators = new Map<string, Promise<WitnessCalculator>>();

function calculatorFor(circuit: Pick<CompiledCircuit, "wasm">): Promise<WitnessCalculator> {
  let calc = calculators.get(circuit.wasm);
  if (!calc) {
    calc = readFile(circuit.wasm).then(
      (code) => WitnessCalculatorBuilder(code) as Promise<WitnessCalculator>,
    );
    calculators.set(circuit.wasm, calc);
  }
  return calc;
}

/** The full witness: index 0 is the constant 1, then the outputs, then the inputs. */
export async function calculateWitness(
  circuit: Pick<CompiledCircuit, "wasm">,
  input: CircuitInput,
): Promise<bigint[]> {
  return (await calculatorFor(circuit)).calculateWitness(input, true);
}

/** The main component's outputs, in declaration order. */
export async function circuitOutputs(
  circuit: Pick<CompiledCircuit, "wasm">,
  input: CircuitInput,
  nOutputs: number,
): Promise<bigint[]> {
  return (await calculateWitness(circuit, input)).slice(1, 1 + nOutputs);
}
