import { join } from "node:path";
import hre from "hardhat";
import { buildCircuit, type CircuitArtifacts } from "../../circuits/tools/artifacts.ts";
import { withBuildLock } from "../../circuits/tools/build-lock.ts";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";

/** The circuit registered for batch proofs on the devnet and in the contract suites: it proves nothing about a batch (test/e2e uses the real batch circuit). */
export const BATCH_STUB_CIRCUIT = "batch_input_stub";

/**
 * Everything a deployment needs on disk: the stub batch circuit and its verifier (cached by
 * the circuit pipeline), then `hardhat build`, once at a time across processes.
 */
export async function buildDeployArtifacts(
  log: (line: string) => void = () => {},
): Promise<CircuitArtifacts> {
  const circuit = await buildCircuit(BATCH_STUB_CIRCUIT, { log });
  await withBuildLock(
    join(REPO_ROOT, "build/hardhat-build.lock"),
    () => log("waiting for another contracts build"),
    () => hre.tasks.getTask("build").run({ quiet: true }),
  );
  return circuit;
}
