/**
 * An .r1cs file's constraints (iden3 binfile, section 2), and a check of a witness against
 * them. The witness generator runs the circuit's hints, so a soundness test cannot feed it a
 * dishonest value: it computes an honest witness, alters wires, and checks them here.
 */
import { readFile } from "node:fs/promises";
import { parseHeader, type R1csHeader } from "./r1cs-header.ts";

/** A linear combination: wire index -> coefficient. */
export type LinearCombination = ReadonlyMap<number, bigint>;

export interface R1cs {
  header: R1csHeader;
  /** Each constraint A·w × B·w = C·w. */
  constraints: ReadonlyArray<readonly [LinearCombination, LinearCombination, LinearCombination]>;
}

const HEADER_SECTION = 1;
const CONSTRAINTS_SECTION = 2;

export async function readR1cs(path: string): Promise<R1cs> {
  const file = await readFile(path);
  if (file.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${path} is not an .r1cs file`);
  const sections = new Map<number, Buffer>();
  let pos = 12;
  for (let i = file.readUInt32LE(8); i > 0; i--) {
    const size = Number(file.readBigUInt64LE(pos + 4));
    sections.set(file.readUInt32LE(pos), file.subarray(pos + 12, pos + 12 + size));
    pos += 12 + size;
  }
  const headerBody = sections.get(HEADER_SECTION);
  const body = sections.get(CONSTRAINTS_SECTION);
  if (!headerBody || !body) throw new Error(`${path} lacks its header or constraints section`);
  const header = parseHeader(headerBody);
  const n8 = headerBody.readUInt32LE(0);

  let at = 0;
  const readLc = (): LinearCombination => {
    const lc = new Map<number, bigint>();
    for (let terms = body.readUInt32LE((at += 4) - 4); terms > 0; terms--) {
      const wire = body.readUInt32LE(at);
      let coef = 0n;
      for (let b = n8 - 1; b >= 0; b--) coef = (coef << 8n) | BigInt(body[at + 4 + b]!);
      lc.set(wire, coef);
      at += 4 + n8;
    }
    return lc;
  };
  const constraints: [LinearCombination, LinearCombination, LinearCombination][] = [];
  for (let i = 0; i < header.constraints; i++) constraints.push([readLc(), readLc(), readLc()]);
  return { header, constraints };
}

/** Indices of the constraints the witness (indexed by wire, wire 0 = 1) violates. */
export function violatedConstraints(r1cs: R1cs, witness: readonly bigint[]): number[] {
  const p = r1cs.header.prime;
  const value = (lc: LinearCombination) => {
    let acc = 0n;
    for (const [wire, coef] of lc) acc += coef * witness[wire]!;
    return acc % p;
  };
  const violated: number[] = [];
  r1cs.constraints.forEach(([a, b, c], i) => {
    if ((value(a) * value(b) - value(c)) % p !== 0n) violated.push(i);
  });
  return violated;
}
