/**
 * Runs circom2 (circom compiled to WebAssembly) on a main file. Its sandbox sees the current
 * folder and what lies below it, follows no link out of it and resolves no ".." above it. In a
 * git worktree node_modules and build/ may be links to another checkout, so it runs from the
 * deepest folder holding the real repository, libraries and output, with paths from there.
 */
import { spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { CircuitBuildError, CircuitBuildErrorCode } from "./errors.ts";

export const CIRCOM_LIBRARIES = ["node_modules"];
export const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];

export interface CompiledFiles {
  r1cs: string;
  wasm: string;
  sym: string;
}

/**
 * `mainFile` and `outDir` are absolute; the outputs land in `outDir`. The repository root is
 * a library folder as well: the main wrapper includes its template by its path from the root.
 */
export async function compileCircom(root: string, mainFile: string, outDir: string): Promise<CompiledFiles> {
  const base = mainFile.replace(/^.*\//, "").replace(/\.circom$/, "");
  const realRoot = realpathSync(root);
  const libraries = [...CIRCOM_LIBRARIES.map((l) => realpathSync(join(root, l))), realRoot];
  const realMain = realpathSync(mainFile);
  const realOut = realpathSync(outDir);
  const cwd = commonAncestor([realMain, realOut, ...libraries]);
  const args = [
    join(root, "node_modules/circom2/cli.js"),
    relative(cwd, realMain),
    ...CIRCOM_FLAGS,
    "-o",
    relative(cwd, realOut),
    ...libraries.flatMap((l) => ["-l", relative(cwd, l) || "."]),
  ];
  const { code, output } = await run(process.execPath, args, cwd);
  if (code !== 0) {
    throw new CircuitBuildError(
      CircuitBuildErrorCode.CircuitBuildFailed,
      `circom2 failed on ${relative(root, mainFile)}`,
      {
        exitCode: code,
        output: output.slice(-4000),
      },
    );
  }
  return {
    r1cs: join(outDir, `${base}.r1cs`),
    wasm: join(outDir, `${base}_js`, `${base}.wasm`),
    sym: join(outDir, `${base}.sym`),
  };
}

function commonAncestor(paths: string[]): string {
  let dir = paths[0]!;
  while (!paths.every((p) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`))) {
    dir = dirname(dir);
  }
  return dir;
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
