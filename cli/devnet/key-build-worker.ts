/**
 * The key-build process forked by key-build.ts: builds one circuit's artifacts (compile,
 * INSECURE dev Groth16 setup, verifier) through the cached circuit pipeline and reports each
 * progress line and the result over IPC. A process of its own so the devnet stays responsive
 * and Ctrl-C can end a build mid-way (the cache is written atomically: nothing half-built stays).
 */
import { readdir, rm } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { buildCircuit } from "../../circuits/tools/artifacts.ts";
import { CIRCUITS_BUILD_DIR, REPO_ROOT } from "../../circuits/tools/paths.ts";
import { terminateSnarkjsCurve } from "../../circuits/runtime/snarkjs-curve.ts";
import type { KeyBuildMessage } from "./key-build.ts";

const [name, buildDir] = process.argv.slice(2);
const send = (m: KeyBuildMessage) => process.send!(m);

/**
 * Stopped mid-build: the pipeline's temporary folders (`.tmp-<pid>-*`, beside the compile and
 * setup outputs) would outlive a plain kill; its locks name this pid and are taken over as stale.
 */
process.once("SIGTERM", () => {
  const dir = buildDir || CIRCUITS_BUILD_DIR;
  const root = join(isAbsolute(dir) ? dir : join(REPO_ROOT, dir), name!);
  const mine = `.tmp-${process.pid}-`;
  const clean = async (dir: string, depth: number): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!e.isDirectory()) continue;
      if (e.name.startsWith(mine)) await rm(join(dir, e.name), { recursive: true, force: true });
      else if (depth > 0) await clean(join(dir, e.name), depth - 1);
    }
  };
  void clean(root, 1).finally(() => process.exit(143));
});

try {
  const artifacts = await buildCircuit(name!, {
    buildDir: buildDir || undefined,
    // The devnet compares the built verifier with the deployed one instead of rewriting sources.
    verifiersDir: null,
    log: (line) => send({ kind: "line", line }),
  });
  send({ kind: "done", artifacts });
} catch (e) {
  send({ kind: "failed", error: e instanceof Error ? e.message : String(e) });
} finally {
  await terminateSnarkjsCurve();
  process.disconnect();
}
