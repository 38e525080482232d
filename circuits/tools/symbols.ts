/**
 * A circuit's .sym file (circom's `--sym`): signal name -> wire index, for the signals the
 * optimiser kept (it removes the others, which then have no wire).
 */
import { readFile } from "node:fs/promises";

/** Lines are `label,wire,component,name`; wire -1 marks a removed signal. */
export async function readSymbols(path: string): Promise<Map<string, number>> {
  const wires = new Map<string, number>();
  for (const line of (await readFile(path, "utf8")).split("\n")) {
    if (!line) continue;
    const [, wire, , name] = line.split(",");
    if (Number(wire) >= 0) wires.set(name!, Number(wire));
  }
  return wires;
}
