/**
 * The `<--` hints of .circom sources: each one a signal a prover picks, which a constraint-level
 * sweep (r1cs-mutation.ts) must cover. The sweeps list the hints of the circuits they change
 * and check their lists against this, so a new hint without an entry fails a test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

const HINT = /(\w+)(?:\[[^\]]*\])*\s*<--/g;

/** The hints of the .circom files under `dir`, as "<path relative to dir>:<signal>", sorted, once each. */
export function hintsUnder(dir: string): string[] {
  const found = new Set<string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".circom")) {
        for (const m of readFileSync(path, "utf8").matchAll(HINT))
          found.add(`${relative(dir, path)}:${m[1]}`);
      }
    }
  };
  walk(dir);
  return [...found].sort();
}
