/**
 * Builds the web UI (explorer/web/src: Preact + uPlot, bundled by Vite) into
 * build/explorer-web/<content hash>/, once per source change: the hash covers every source
 * file and the versions of the tools and libraries, so a fresh clone builds on first start and
 * later starts reuse the folder. Vite runs in-process and offline (no network, no CDN).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { hashOf, packageVersion } from "../../circuits/tools/cache-key.ts";

const ROOT = join(import.meta.dirname, "..", "..");
export const WEB_SRC = join(import.meta.dirname, "src");
const CACHE = join(ROOT, "build", "explorer-web");
/** Bump when the build's options change the output for the same inputs. */
const BUILD_VERSION = 1;

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sourceFiles(path)));
    else out.push(path);
  }
  return out.sort();
}

/** The folder the current sources build into. */
export async function webBuildDir(): Promise<string> {
  const files = await sourceFiles(WEB_SRC);
  const sources = await Promise.all(
    files.map(async (f) => [relative(WEB_SRC, f), hashOf((await readFile(f)).toString("base64"))]),
  );
  const tools = await Promise.all(["vite", "preact", "uplot"].map((p) => packageVersion(ROOT, p)));
  return join(CACHE, hashOf({ v: BUILD_VERSION, sources, tools }));
}

/** Builds the UI unless its folder exists already; returns the folder (with index.html). */
export async function ensureWebBuild(): Promise<string> {
  const dir = await webBuildDir();
  if (existsSync(join(dir, "index.html"))) return dir;
  // Built beside, then renamed: a concurrent start never serves a half-written folder.
  const tmp = `${dir}.tmp-${process.pid}`;
  const { build } = await import("vite");
  await build({
    configFile: false,
    root: WEB_SRC,
    base: "/",
    logLevel: "warn",
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    build: {
      outDir: tmp,
      emptyOutDir: true,
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
    },
  });
  await mkdir(CACHE, { recursive: true });
  try {
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    // Another process built the same sources first.
    if (!existsSync(join(dir, "index.html"))) throw e;
  }
  return dir;
}

if (process.argv[1] === import.meta.filename) console.log(await ensureWebBuild());
