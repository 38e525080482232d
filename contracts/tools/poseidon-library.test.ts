import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";
import { GENERATED_POSEIDON_INPUTS, poseidonLibraryPath, poseidonLibrarySource } from "./poseidon-library.ts";

// On-chain equality with protocol/poseidon.ts: contracts/test/queue-exit.test.ts.
describe("generated Poseidon libraries", () => {
  for (const inputs of GENERATED_POSEIDON_INPUTS) {
    it(`the committed ${poseidonLibraryPath(inputs)} is the generator's output`, () => {
      const committed = readFileSync(join(REPO_ROOT, poseidonLibraryPath(inputs)), "utf8");
      expect(committed).toBe(poseidonLibrarySource(inputs));
    });
  }
});
