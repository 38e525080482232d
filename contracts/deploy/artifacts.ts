import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { InterfaceAbi } from "ethers";

/** Where `hardhat build` writes artifacts, for every contract the deployment uses. */
export const ARTIFACTS_DIR = fileURLToPath(new URL("../../artifacts/", import.meta.url));

const SOURCES: Record<string, string> = {
  OpenToken: "contracts/token/OpenToken.sol",
  OpenTimelock: "contracts/governance/OpenTimelock.sol",
  OpenGovernor: "contracts/governance/OpenGovernor.sol",
  ParamsRegistry: "contracts/governance/ParamsRegistry.sol",
  Rollup: "contracts/rollup/Rollup.sol",
  InferenceOperators: "contracts/inference/InferenceOperators.sol",
  GrantStreams: "contracts/governance/GrantStreams.sol",
  PoseidonT9: "contracts/rollup/lib/PoseidonT9.sol",
  SettlementInput: "contracts/rollup/lib/SettlementInput.sol",
  BatchCommitment: "contracts/rollup/lib/BatchCommitment.sol",
};

export interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

/** Source file of a contract: the table above, else a generated verifier in contracts/verifiers. */
export function sourceOf(contractName: string): string {
  return SOURCES[contractName] ?? `contracts/verifiers/${contractName}.sol`;
}

export async function loadArtifact(contractName: string): Promise<Artifact> {
  const path = join(ARTIFACTS_DIR, sourceOf(contractName), `${contractName}.json`);
  try {
    return JSON.parse(await readFile(path, "utf8")) as Artifact;
  } catch (err) {
    throw new Error(`no artifact for ${contractName} at ${path}: run \`npx hardhat build\` first`, {
      cause: err,
    });
  }
}

/** Bytecode with each linked library's placeholder replaced by its deployed address. */
export function linkBytecode(artifact: Artifact, libraries: Record<string, string>): string {
  let code = artifact.bytecode;
  for (const refs of Object.values(artifact.linkReferences)) {
    for (const [name, offsets] of Object.entries(refs)) {
      const address = libraries[name];
      if (!address) throw new Error(`${artifact.contractName} needs library ${name}`);
      const hex = address.toLowerCase().replace(/^0x/, "");
      for (const { start, length } of offsets) {
        const at = 2 + start * 2;
        code = code.slice(0, at) + hex + code.slice(at + length * 2);
      }
    }
  }
  return code;
}
