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

const ASSERT_FAILED = 4;

/**
 * Where the witness generator refuses `input`: the message of the first failing assert, a
 * stack of "Error in template <T>_<n> line: <l>" lines (innermost first), or undefined when
 * `input` has a witness. The generator stops there: the signals after it are not computed.
 * A fresh instance each call, so no earlier failure's message is carried over.
 */
export async function firstFailure(
  circuit: Pick<CompiledCircuit, "wasm">,
  input: CircuitInput,
): Promise<string | undefined> {
  let pending = "";
  let failed: string | undefined;
  const memory = new WebAssembly.Memory({ initial: 32767 });
  const module = new WebAssembly.Module(await readFile(circuit.wasm));
  const message = () => {
    const exports = instance.exports as { getMessageChar(): number };
    let text = "";
    for (let c = exports.getMessageChar(); c !== 0; c = exports.getMessageChar())
      text += String.fromCharCode(c);
    return text;
  };
  const ignore = () => {};
  // Its hooks read messages through the instance's exports, once it exists.
  const instance: WebAssembly.Instance = new WebAssembly.Instance(module, {
    env: { memory },
    runtime: {
      exceptionHandler(code: number) {
        // The runtime rewraps what this throws: the failure is kept here instead.
        if (code === ASSERT_FAILED) failed = pending.trim();
        throw new Error(`witness generator error ${code}: ${pending}`);
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
  try {
    await calc.calculateWitness(input, true);
    return undefined;
  } catch (e) {
    if (failed !== undefined) return failed;
    throw e;
  }
}
