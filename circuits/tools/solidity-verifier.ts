/**
 * The Groth16 verifier contract snarkjs exports, renamed from `Groth16Verifier` to
 * `<PascalName>Verifier` so that the verifiers of several circuits coexist in contracts/,
 * with its pragma pinned to the project's compiler.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { zKey } from "snarkjs";

const SOLIDITY_VERSION = "0.8.28";

/** "poseidon2" -> "Poseidon2", "state-transition" -> "StateTransition". */
export function pascalName(name: string): string {
  return name
    .split(/[-_]/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

export function verifierContractName(circuitName: string): string {
  return `${pascalName(circuitName)}Verifier`;
}

export async function exportSolidityVerifier(
  root: string,
  zkey: string,
  contractName: string,
): Promise<string> {
  const template = await readFile(
    join(root, "node_modules/snarkjs/templates/verifier_groth16.sol.ejs"),
    "utf8",
  );
  const source = await zKey.exportSolidityVerifier(zkey, { groth16: template });
  const renamed = replaceOnce(source, /contract Groth16Verifier\b/, `contract ${contractName}`);
  return replaceOnce(renamed, /pragma solidity [^;]+;/, `pragma solidity ${SOLIDITY_VERSION};`);
}

/** Fails loudly if a snarkjs upgrade changes the template this relies on. */
function replaceOnce(source: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(source)) throw new Error(`snarkjs verifier template changed: ${pattern} not found`);
  return source.replace(pattern, replacement);
}
