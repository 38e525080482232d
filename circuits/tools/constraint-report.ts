/**
 * Constraint counts per circuit (as Hermez's constraint tool): a change that makes a
 * circuit bigger shows up at once. A text table for people, JSON for scripts and CI.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { CompiledCircuit } from "./artifacts.ts";
import type { CircuitSpec, TemplateParam } from "./registry.ts";

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

/** A circuit's constraints per component (its registry entry's `breakdown`), and the rest. */
export interface ConstraintBreakdown {
  circuit: string;
  constraints: number;
  parts: { circuit: string; role: string; count: number; each: number; total: number }[];
  /** What no part covers: range checks, selections and bits written inline. */
  rest: number;
}

export async function constraintBreakdown(
  spec: CircuitSpec,
  constraints: number,
  constraintsOf: (circuit: string) => Promise<number>,
): Promise<ConstraintBreakdown> {
  const parts = [];
  for (const { circuit, count, role } of spec.breakdown) {
    const each = await constraintsOf(circuit);
    parts.push({ circuit, role, count, each, total: count * each });
  }
  const rest = constraints - parts.reduce((sum, p) => sum + p.total, 0);
  return { circuit: spec.name, constraints, parts, rest };
}

export function formatBreakdown(b: ConstraintBreakdown): string {
  const n = (x: number) => x.toLocaleString("en-US");
  return formatTable(
    ["component", "circuit", "count", "each", "total"],
    [
      ...b.parts.map((p) => [p.role, p.circuit, String(p.count), n(p.each), n(p.total)]),
      ["rest (inline range checks, selections, bits)", "-", "-", "-", n(b.rest)],
      [`${b.circuit} total`, "-", "-", "-", n(b.constraints)],
    ],
    new Set([2, 3, 4]),
  );
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
  return formatTable(header, body, new Set([2, 3, 5]));
}

function formatTable(header: string[], body: string[][], numeric: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

export async function writeConstraintReport(
  path: string,
  rows: ConstraintRow[],
  breakdowns: ConstraintBreakdown[] = [],
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ circuits: rows, breakdowns }, null, 2)}\n`);
}
