/** `npm run generate:poseidon`: writes the generated Poseidon libraries (poseidon-library.ts). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";
import { GENERATED_POSEIDON_INPUTS, poseidonLibraryPath, poseidonLibrarySource } from "./poseidon-library.ts";

for (const inputs of GENERATED_POSEIDON_INPUTS) {
  writeFileSync(join(REPO_ROOT, poseidonLibraryPath(inputs)), poseidonLibrarySource(inputs));
  console.log(`wrote ${poseidonLibraryPath(inputs)}`);
}
