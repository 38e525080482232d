import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../circuits/tools/paths.ts";
import { poseidonSparseConstants } from "../../protocol/poseidon.ts";
import {
  dataContractCreationCode,
  GENERATED_POSEIDON_INPUTS,
  poseidonConstantsCode,
  poseidonLibraryPath,
  poseidonLibrarySource,
} from "./poseidon-library.ts";

// On-chain equality with protocol/poseidon.ts: contracts/test/queue-exit.test.ts.
describe("generated Poseidon libraries", () => {
  for (const inputs of GENERATED_POSEIDON_INPUTS) {
    it(`the committed ${poseidonLibraryPath(inputs)} is the generator's output`, () => {
      const committed = readFileSync(join(REPO_ROOT, poseidonLibraryPath(inputs)), "utf8");
      expect(committed).toBe(poseidonLibrarySource(inputs));
    });

    it(`${inputs} inputs: the data contracts hold every partial round's constants, each under the size limit`, () => {
      const { partialA } = poseidonSparseConstants(inputs);
      const codes = poseidonConstantsCode(inputs);
      const bytes = codes.map((c) => Buffer.from(c.slice(2), "hex"));
      for (const b of bytes) {
        expect(b[0]).toBe(0); // STOP: a call to a data contract runs nothing
        expect(b.length).toBeLessThanOrEqual(24_576);
        expect((b.length - 1) % 32).toBe(0);
      }
      const words = bytes.reduce((n, b) => n + (b.length - 1) / 32, 0);
      expect(words).toBe(partialA.length * (1 + 2 * inputs));
      // The creation code returns the runtime code after its 10-byte prefix.
      expect(dataContractCreationCode(codes[0]!).slice(22)).toBe(codes[0]!.slice(2));
    });
  }

  it("refuses a data contract over the size limit", () => {
    expect(() => dataContractCreationCode(`0x${"00".repeat(24_577)}`)).toThrow(RangeError);
  });
});
