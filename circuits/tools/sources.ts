/**
 * The transitive sources of a circuit: the entry .circom file and everything it includes,
 * resolved the way circom does (next to the including file first, then each library
 * folder). Their contents go into the cache key, so editing any included template, or
 * upgrading circomlib, rebuilds exactly the circuits that use it.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { CircuitBuildError, CircuitBuildErrorCode } from "./errors.ts";

export interface SourceFile {
  /** Relative to the repository root. */
  path: string;
  sha256: string;
}

const INCLUDE = /^\s*include\s+"([^"]+)"\s*;/gm;

/** Sorted by path; `entry` and `libraries` are relative to `root`. */
export async function collectSources(
  root: string,
  entry: string,
  libraries: string[],
): Promise<SourceFile[]> {
  const seen = new Map<string, SourceFile>();
  const pending = [resolve(root, entry)];
  if (!(await isFile(pending[0]!))) {
    throw new CircuitBuildError(
      CircuitBuildErrorCode.CircuitBuildFailed,
      `circuit source ${entry} not found`,
      { entry },
    );
  }
  while (pending.length > 0) {
    const file = pending.pop()!;
    const path = relative(root, file);
    if (seen.has(path)) continue;
    const text = await readFile(file, "utf8");
    seen.set(path, { path, sha256: createHash("sha256").update(text).digest("hex") });
    for (const match of stripComments(text).matchAll(INCLUDE)) {
      const target = await resolveInclude(root, dirname(file), match[1]!, libraries);
      if (!target) {
        throw new CircuitBuildError(
          CircuitBuildErrorCode.CircuitBuildFailed,
          `${path}: cannot resolve include "${match[1]}"`,
          {
            file: path,
            include: match[1],
          },
        );
      }
      pending.push(target);
    }
  }
  // Code-point order, not localeCompare: the cache key must not depend on the machine's locale.
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function resolveInclude(
  root: string,
  from: string,
  include: string,
  libraries: string[],
): Promise<string | undefined> {
  for (const base of [from, ...libraries.map((l) => join(root, l))]) {
    const candidate = resolve(base, include);
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
