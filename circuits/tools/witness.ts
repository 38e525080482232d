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

/** A witness computed through failing asserts, and where they failed. */
export interface LenientWitness {
  witness: bigint[];
  /** The witness generator's message for each failed assert: "Error in template <T>_<n> line: <l>". */
  failures: string[];
}

const ASSERT_FAILED = 4;

/**
 * The witness the generator computes for `input` with every hint as usual, going on past
 * failed asserts instead of stopping at the first: a tampered input's witness, to check
 * against the R1CS itself (which is what a verifier key encodes), with the lines that refused it.
 */
export async function calculateLenientWitness(
  circuit: Pick<CompiledCircuit, "wasm">,
  input: CircuitInput,
): Promise<LenientWitness> {
  const failures: string[] = [];
  let pending = "";
  const memory = new WebAssembly.Memory({ initial: 32767 });
  const module = new WebAssembly.Module(await readFile(circuit.wasm));
  let instance: WebAssembly.Instance | undefined;
  const exports = () => instance!.exports as { getMessageChar(): number };
  const message = () => {
    let text = "";
    for (let c = exports().getMessageChar(); c !== 0; c = exports().getMessageChar())
      text += String.fromCharCode(c);
    return text;
  };
  const ignore = () => {};
  instance = new WebAssembly.Instance(module, {
    env: { memory },
    runtime: {
      exceptionHandler(code: number) {
        if (code !== ASSERT_FAILED) throw new Error(`witness generator error ${code}: ${pending}`);
        failures.push(...pending.trim().split("\n"));
        pending = "";
      },
      printErrorMessage() {
        pending += `${message()}\n`;
      },
      writeBufferMessage: () => void message(),
      printDebug: ignore,
      showSharedRWMemory: ignore,
      error: ignore,
      log: ignore,
      logGetSignal: ignore,
      logSetSignal: ignore,
      logStartComponent: ignore,
      logFinishComponent: ignore,
    },
  });
  // The builder takes a ready instance in place of the code, and then uses its imports.
  const calc = (await WitnessCalculatorBuilder(instance as unknown as Uint8Array)) as WitnessCalculator;
  return { witness: await calc.calculateWitness(input, true), failures };
}
