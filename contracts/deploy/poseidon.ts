import { createRequire } from "node:module";
import { dataContractCreationCode, poseidonConstantsCode } from "../tools/poseidon-library.ts";

export type PoseidonLibrary = "PoseidonT3" | "PoseidonT4" | "PoseidonT5" | "PoseidonT6";

/** The one function every poseidon-solidity library exposes, by arity. */
export const POSEIDON_INPUTS: Record<PoseidonLibrary, number> = {
  PoseidonT3: 2,
  PoseidonT4: 3,
  PoseidonT5: 4,
  PoseidonT6: 5,
};

/**
 * Creation code of a poseidon-solidity library as the package publishes it (the code behind
 * its deterministic mainnet deployments). Compiled here with the project's optimizer settings
 * the same source costs about twice the gas per hash (constants get re-derived at run time),
 * so the published build is deployed instead; the rollup links it by address.
 */
export function poseidonCreationCode(name: PoseidonLibrary): string {
  const require = createRequire(import.meta.url);
  return (require("poseidon-solidity") as Record<PoseidonLibrary, { bytecode: string }>)[name].bytecode;
}

export function poseidonAbi(name: PoseidonLibrary): string[] {
  return [`function hash(uint256[${POSEIDON_INPUTS[name]}]) pure returns (uint256)`];
}

/** Creation codes of the data contracts the generated PoseidonT9 reads its constants from. */
export function poseidonT9DataCreationCodes(): string[] {
  return poseidonConstantsCode(8).map(dataContractCreationCode);
}
