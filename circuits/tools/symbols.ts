/**
 * A circuit's .sym file (circom's `--sym`): signal name -> wire index, for the signals the
 * optimiser kept (it removes the others, which then have no wire).
 */
import { readFile } from "node:fs/promises";

export interface SymbolTable {
  /** Kept signals: name -> wire. */
  wires: Map<string, number>;
  /** Signals the optimiser removed: each is a linear combination of kept wires, or unused. */
  removed: string[];
}

/** Lines are `label,wire,component,name`; wire -1 marks a removed signal. */
export async function readSymbolTable(path: string): Promise<SymbolTable> {
  const wires = new Map<string, number>();
  const removed: string[] = [];
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    if (!line) continue;
    const [, wire, , name] = line.split(",");
    if (Number(wire) >= 0) wires.set(name!, Number(wire));
    else removed.push(name!);
  }
  return { wires, removed };
}

export async function readSymbols(path: string): Promise<Map<string, number>> {
  return (await readSymbolTable(path)).wires;
}
