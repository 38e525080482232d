/**
 * Constraint counts per circuit (as Hermez's constraint tool): a change that makes a
 * circuit bigger shows up at once. A text table for people, JSON for scripts and CI.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { CompiledCircuit } from "./artifacts.ts";
import type { TemplateParam } from "./registry.ts";

export interface ConstraintRow {
  name: string;
  template: string;
  params: TemplateParam[];
  constraints: number;
  wires: number;
  publicInputs: string[];
  /** Public signals, outputs included. */
  nPublic: number;
  domainPower: number;
}

export function constraintRow(c: CompiledCircuit): ConstraintRow {
  const { name, template, params, constraints, wires, publicInputs, nPublic, domainPower } = c;
  return { name, template, params, constraints, wires, publicInputs, nPublic, domainPower };
}

export function formatConstraintTable(rows: ConstraintRow[]): string {
  const header = [
    "circuit",
    "template(params)",
    "constraints",
    "wires",
    "public inputs",
    "public signals",
    "domain",
  ];
  const body = rows.map((r) => [
    r.name,
    `${r.template}(${JSON.stringify(r.params).slice(1, -1)})`,
    r.constraints.toLocaleString("en-US"),
    r.wires.toLocaleString("en-US"),
    r.publicInputs.join(", ") || "-",
    String(r.nPublic),
    `2^${r.domainPower}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const numeric = new Set([2, 3, 5]);
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

export async function writeConstraintReport(path: string, rows: ConstraintRow[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ circuits: rows }, null, 2)}\n`);
}
