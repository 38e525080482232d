import { join } from "node:path";
import hre from "hardhat";
import { withBuildLock } from "../../circuits/tools/build-lock.ts";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";

/**
 * Compiles the contracts a deployment needs (`hardhat build`, verifiers included), once at a
 * time across processes.
 */
export async function buildDeployArtifacts(log: (line: string) => void = () => {}): Promise<void> {
  await withBuildLock(
    join(REPO_ROOT, "build/hardhat-build.lock"),
    () => log("waiting for another contracts build"),
    () => hre.tasks.getTask("build").run({ quiet: true }),
  );
}
