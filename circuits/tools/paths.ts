/** Where the circuit pipeline reads and writes, all relative to the repository root. */
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const REGISTRY_FILE = "circuits/circuits.json";
export const CIRCUITS_BUILD_DIR = "build/circuits";
export const PTAU_DIR = "build/ptau";
export const VERIFIERS_DIR = "contracts/verifiers";
export const CONSTRAINTS_REPORT = "build/constraints.json";
