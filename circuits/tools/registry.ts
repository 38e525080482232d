/**
 * circuits/circuits.json: every main circuit, name -> { file, template, params, publicInputs }
 * (as in MACI), so the sizes that exist are visible in one place.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REGISTRY_FILE, REPO_ROOT } from "./paths.ts";
import { CircuitBuildError, CircuitBuildErrorCode } from "./errors.ts";

/** A template argument: a number, a decimal string (for values beyond 2^53) or an array of them. */
export type TemplateParam = number | string | TemplateParam[];

export interface CircuitSpec {
  name: string;
  /** Path of the .circom file holding the template, relative to the repository root. */
  file: string;
  template: string;
  params: TemplateParam[];
  /** Input signals made public, in the order they are declared; outputs are always public. */
  publicInputs: string[];
  /**
   * The registered circuits this one instantiates, for the constraint report's per-component
   * table (`npm run report:constraints`); what they leave uncovered is reported as the rest.
   */
  breakdown: BreakdownPart[];
}

export interface BreakdownPart {
  circuit: string;
  count: number;
  /** What the part does in the circuit. */
  role: string;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function loadRegistry(root = REPO_ROOT): Promise<Map<string, CircuitSpec>> {
  const text = await readFile(join(root, REGISTRY_FILE), "utf8");
  const raw = JSON.parse(text) as Record<string, unknown>;
  const registry = new Map<string, CircuitSpec>();
  for (const [name, entry] of Object.entries(raw)) registry.set(name, parseEntry(name, entry));
  return registry;
}

export async function getCircuitSpec(name: string, root = REPO_ROOT): Promise<CircuitSpec> {
  const spec = (await loadRegistry(root)).get(name);
  if (!spec) {
    throw new CircuitBuildError(
      CircuitBuildErrorCode.UnknownCircuit,
      `no circuit "${name}" in ${REGISTRY_FILE}`,
      { name },
    );
  }
  return spec;
}

function parseEntry(name: string, entry: unknown): CircuitSpec {
  const fail = (why: string): never => {
    throw new CircuitBuildError(
      CircuitBuildErrorCode.CircuitBuildFailed,
      `${REGISTRY_FILE}: circuit "${name}": ${why}`,
      {
        name,
      },
    );
  };
  if (!NAME.test(name)) fail("name must be letters, digits, '-' or '_', starting with a letter");
  if (typeof entry !== "object" || entry === null) return fail("entry must be an object");
  const { file, template, params, publicInputs, breakdown } = entry as Record<string, unknown>;
  if (typeof file !== "string" || !file.endsWith(".circom")) fail("file must be the path of a .circom file");
  if (typeof template !== "string" || !IDENTIFIER.test(template)) fail("template must be a template name");
  if (!Array.isArray(params) || !params.every(isParam)) fail("params must be an array of numbers or arrays");
  const inputs = publicInputs ?? [];
  if (!Array.isArray(inputs) || !inputs.every((s) => typeof s === "string" && IDENTIFIER.test(s))) {
    fail("publicInputs must be an array of signal names");
  }
  const parts = breakdown ?? [];
  if (!Array.isArray(parts) || !parts.every(isBreakdownPart)) {
    fail("breakdown must be an array of { circuit, count, role }");
  }
  return {
    name,
    file: file as string,
    template: template as string,
    params: params as TemplateParam[],
    publicInputs: inputs as string[],
    breakdown: parts as BreakdownPart[],
  };
}

function isBreakdownPart(value: unknown): value is BreakdownPart {
  if (typeof value !== "object" || value === null) return false;
  const { circuit, count, role } = value as Record<string, unknown>;
  return typeof circuit === "string" && Number.isSafeInteger(count) && typeof role === "string";
}

function isParam(value: unknown): value is TemplateParam {
  if (typeof value === "number") return Number.isSafeInteger(value);
  if (typeof value === "string") return /^-?[0-9]+$/.test(value);
  return Array.isArray(value) && value.every(isParam);
}

/** The argument list as circom source: [2, [1, 3]] -> "2, [1, 3]". */
export function renderParams(params: TemplateParam[]): string {
  return params.map((p) => (Array.isArray(p) ? `[${renderParams(p)}]` : String(p))).join(", ");
}
