import { poseidon1 } from "poseidon-lite/poseidon1";
import { poseidon2 } from "poseidon-lite/poseidon2";
import { poseidon3 } from "poseidon-lite/poseidon3";
import { poseidon4 } from "poseidon-lite/poseidon4";
import { poseidon5 } from "poseidon-lite/poseidon5";
import { poseidon6 } from "poseidon-lite/poseidon6";
import { poseidon7 } from "poseidon-lite/poseidon7";
import { poseidon8 } from "poseidon-lite/poseidon8";
import { poseidon9 } from "poseidon-lite/poseidon9";
import { poseidon10 } from "poseidon-lite/poseidon10";
import { poseidon11 } from "poseidon-lite/poseidon11";
import { poseidon12 } from "poseidon-lite/poseidon12";
import { poseidon13 } from "poseidon-lite/poseidon13";
import { poseidon14 } from "poseidon-lite/poseidon14";
import { poseidon15 } from "poseidon-lite/poseidon15";
import { poseidon16 } from "poseidon-lite/poseidon16";
import type { Field } from "./field.ts";

type Hasher = (inputs: bigint[]) => bigint;

const BY_ARITY: readonly Hasher[] = [
  poseidon1,
  poseidon2,
  poseidon3,
  poseidon4,
  poseidon5,
  poseidon6,
  poseidon7,
  poseidon8,
  poseidon9,
  poseidon10,
  poseidon11,
  poseidon12,
  poseidon13,
  poseidon14,
  poseidon15,
  poseidon16,
];

export const POSEIDON_MAX_INPUTS = 16;

/** circomlib's Poseidon(n) over BN254 for 1 <= n <= 16 inputs; equal to the circuit template. */
export function poseidon(inputs: readonly Field[]): Field {
  const hasher = BY_ARITY[inputs.length - 1];
  if (!hasher) throw new RangeError(`poseidon takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${inputs.length}`);
  return hasher(inputs as bigint[]);
}

/**
 * Hash of a list of any length: a chain of Poseidon(16) absorbing 15 fresh elements at a
 * time, seeded with the length so that lists differing only by trailing zeros differ.
 */
export function poseidonList(items: readonly Field[]): Field {
  let acc = BigInt(items.length);
  for (let i = 0; i < items.length || i === 0; i += 15) {
    acc = poseidon([acc, ...items.slice(i, i + 15)]);
  }
  return acc;
}
