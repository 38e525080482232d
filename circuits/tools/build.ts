/**
 * `npm run build:circuits`: compile every registered circuit, run its Groth16 setup and
 * export its Solidity verifier, all cached by content hash. `--report` compiles only and
 * prints the constraint table. Progress goes to stderr, the table to stdout.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { OpenLedgerError } from "../../protocol/errors.ts";
import { buildCircuit, compileCircuit, repoPath } from "./artifacts.ts";
import {
  constraintBreakdown,
  constraintRow,
  formatBreakdown,
  formatConstraintTable,
  writeConstraintReport,
} from "./constraint-report.ts";
import { CONSTRAINTS_REPORT, REGISTRY_FILE, REPO_ROOT } from "./paths.ts";
import { loadRegistry } from "./registry.ts";
import { terminateSnarkjsCurve } from "../runtime/snarkjs-curve.ts";

const USAGE = `Usage: npm run build:circuits -- [options]

Builds the circuits of ${REGISTRY_FILE}: circom2 -> r1cs + wasm, Groth16 zkey and
verification key, Solidity verifier in contracts/verifiers/. Cached under build/circuits/.

Options:
  --circuit <name>  build only this circuit (repeatable; default: all)
  --ptau <file>     production: a Powers-of-Tau ceremony file, plus one phase-2 contribution
                    (default: the INSECURE dev setup, for tests and the devnet only)
  --report          compile only and print constraint counts (also ${CONSTRAINTS_REPORT}),
                    and per component for the circuits whose entry has a breakdown
  --help            show this help
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      circuit: { type: "string", multiple: true },
      ptau: { type: "string" },
      report: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const registry = await loadRegistry();
  const names = values.circuit ?? [...registry.keys()];
  const rows = [];
  // One at a time: compilation and setup each saturate the machine's cores.
  for (const name of names) {
    if (values.report) {
      rows.push(constraintRow(await compileCircuit(name)));
      continue;
    }
    const built = await buildCircuit(name, values.ptau ? { ptau: values.ptau } : {});
    rows.push(constraintRow(built));
    const state = built.cached ? "cached" : "built";
    process.stderr.write(
      `[circuits] ${name}: ${state}, ${repoPath(built.setupDir)}, ${built.verifierContract}.sol\n`,
    );
  }
  const breakdowns = [];
  if (values.report) {
    const constraintsOf = async (name: string) => (await compileCircuit(name)).constraints;
    for (const row of rows) {
      const spec = registry.get(row.name)!;
      if (spec.breakdown.length > 0)
        breakdowns.push(await constraintBreakdown(spec, row.constraints, constraintsOf));
    }
  }
  await writeConstraintReport(join(REPO_ROOT, CONSTRAINTS_REPORT), rows, breakdowns);
  if (values.report) {
    process.stdout.write(`${formatConstraintTable(rows)}\n`);
    for (const b of breakdowns) process.stdout.write(`\n${formatBreakdown(b)}\n`);
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof OpenLedgerError) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    if (typeof error.details?.output === "string") process.stderr.write(`${error.details.output}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exitCode = 1;
} finally {
  await terminateSnarkjsCurve();
}
