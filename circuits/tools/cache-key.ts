/**
 * Content hashes naming the cache folders. Anything that can change an artifact is in the
 * key: sources, template and params, tool versions, flags, and the trusted setup.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CircuitSpec } from "./registry.ts";
import type { SourceFile } from "./sources.ts";

/** Bump when the pipeline's own output changes for the same inputs. */
const PIPELINE_VERSION = 1;
const HASH_CHARS = 16;

export function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, HASH_CHARS);
}

export async function packageVersion(root: string, name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(root, "node_modules", name, "package.json"), "utf8"));
  return String(manifest.version);
}

export function compileKey(
  spec: CircuitSpec,
  sources: SourceFile[],
  circom2: string,
  flags: string[],
): string {
  const { template, params, publicInputs } = spec;
  return hashOf({ pipeline: PIPELINE_VERSION, circom2, flags, template, params, publicInputs, sources });
}

/** sha256 of a file, streamed: ceremony .ptau files reach hundreds of megabytes. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
