/**
 * Runs circom2 (circom compiled to WebAssembly) on a main file. Its sandbox sees only the
 * current folder and below, so it runs from the repository root with repo-relative paths.
 */
import { spawn } from "node:child_process";
import { join, relative } from "node:path";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";

export const CIRCOM_LIBRARIES = ["node_modules"];
export const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];

export interface CompiledFiles {
  r1cs: string;
  wasm: string;
  sym: string;
}

/** `mainFile` and `outDir` are absolute and inside `root`; the outputs land in `outDir`. */
export async function compileCircom(root: string, mainFile: string, outDir: string): Promise<CompiledFiles> {
  const base = mainFile.replace(/^.*\//, "").replace(/\.circom$/, "");
  const args = [
    join(root, "node_modules/circom2/cli.js"),
    relative(root, mainFile),
    ...CIRCOM_FLAGS,
    "-o",
    relative(root, outDir),
    ...CIRCOM_LIBRARIES.flatMap((l) => ["-l", l]),
  ];
  const { code, output } = await run(process.execPath, args, root);
  if (code !== 0) {
    throw new OpenLedgerError(ErrorCode.CircuitBuildFailed, `circom2 failed on ${relative(root, mainFile)}`, {
      exitCode: code,
      output: output.slice(-4000),
    });
  }
  return {
    r1cs: join(outDir, `${base}.r1cs`),
    wasm: join(outDir, `${base}_js`, `${base}.wasm`),
    sym: join(outDir, `${base}.sym`),
  };
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}
