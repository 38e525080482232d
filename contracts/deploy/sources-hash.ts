import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const CONTRACTS_DIR = fileURLToPath(new URL("../", import.meta.url));

/**
 * sha256 over the Solidity sources the deployed contracts are compiled from (path and content,
 * in path order), the generated verifiers apart: the devnet refuses to resume a chain deployed
 * from other sources, whose entry points this code would call wrongly. Verifiers are left out
 * because a changed circuit has its own report (keys that no longer match the verifier).
 */
export function contractSourcesHash(): string {
  const hash = createHash("sha256");
  const files = readdirSync(CONTRACTS_DIR, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".sol") && !f.startsWith("verifiers"))
    .sort();
  for (const f of files) {
    hash.update(relative(CONTRACTS_DIR, join(CONTRACTS_DIR, f)));
    hash.update("\0");
    hash.update(readFileSync(join(CONTRACTS_DIR, f)));
    hash.update("\0");
  }
  return `0x${hash.digest("hex")}`;
}
