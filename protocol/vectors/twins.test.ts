import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateTwinVectors, vectorsToJson } from "./twins.ts";

describe("shared twin vectors", () => {
  it("are what the TypeScript protocol computes today (regenerate with npm run vectors)", () => {
    const stored = readFileSync(new URL("./twins.json", import.meta.url), "utf8");
    expect(vectorsToJson(generateTwinVectors())).toBe(stored);
  });
});
