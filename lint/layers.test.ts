import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The layer rule of lint/layers.js, run through the project's own ESLint configuration on
 * sources placed (virtually) in each folder: an upward import must fail `npm run lint`.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return result!.messages.filter((m) => m.ruleId === "layers/boundaries").map((m) => m.message);
}

describe("layer boundaries", () => {
  it("refuses an import out of protocol/", async () => {
    const errors = await layerErrors("protocol/x.ts", 'export { startNode } from "../sequencer/node.ts";\n');
    expect(errors).toEqual([
      "protocol/ may not import from sequencer/ (../sequencer/node.ts): protocol/ may import nothing outside itself",
    ]);
  });

  it("refuses circuits/ and contracts/ importing a higher layer, tests included", async () => {
    expect(await layerErrors("circuits/tools/x.ts", 'import "../../prover/node/node.ts";\n')).toHaveLength(1);
    expect(await layerErrors("contracts/test/x.test.ts", 'import "../../cli/main.ts";\n')).toHaveLength(1);
    expect(
      await layerErrors("contracts/deploy/x.ts", 'const m = import("../../bridge/claims.ts");\n'),
    ).toHaveLength(1);
  });

  it("lets a test file start the components its fixture needs, and only those", async () => {
    expect(await layerErrors("bridge/x.test.ts", 'import "../sequencer/node.ts";\n')).toEqual([]);
    expect(await layerErrors("bridge/claims.ts", 'import "../sequencer/node.ts";\n')).toHaveLength(1);
    expect(await layerErrors("sdk/x.test.ts", 'import "../sequencer/node.ts";\n')).toHaveLength(1);
  });

  it("accepts imports down the layers and within a folder", async () => {
    expect(
      await layerErrors("sequencer/x.ts", 'import "../protocol/field.ts";\nimport "./node.ts";\n'),
    ).toEqual([]);
    expect(await layerErrors("cli/x.ts", 'import "../explorer/server.ts";\n')).toEqual([]);
  });

  it("asks for a new top-level folder to be placed in the layers", async () => {
    expect(await layerErrors("newcomponent/x.ts", 'import "../protocol/field.ts";\n')).toEqual([
      "newcomponent/ is not a layer of lint/layers.js: add it there with the folders it may import",
    ]);
  });
});
