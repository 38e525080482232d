import { describe, expect, it } from "vitest";
import { CircuitBuildError } from "./errors.ts";
import { constraintBreakdown, formatBreakdown } from "./constraint-report.ts";
import { mainWrapperSource } from "./main-wrapper.ts";
import { REPO_ROOT } from "./paths.ts";
import { getCircuitSpec, loadRegistry, renderParams } from "./registry.ts";
import { pascalName } from "./solidity-verifier.ts";
import { collectSources } from "./sources.ts";

describe("circuit registry", () => {
  it("lists poseidon2 with its template, params and public inputs", async () => {
    const spec = await getCircuitSpec("poseidon2");
    expect(spec).toMatchObject({ template: "Poseidon", params: [2], publicInputs: ["inputs"] });
    for (const entry of (await loadRegistry()).values()) expect(entry.file.endsWith(".circom")).toBe(true);
  });

  it("rejects an unknown circuit with UNKNOWN_CIRCUIT", async () => {
    await expect(getCircuitSpec("no-such-circuit")).rejects.toMatchObject({
      name: "CircuitBuildError",
      code: "UNKNOWN_CIRCUIT",
    });
    await expect(getCircuitSpec("no-such-circuit")).rejects.toBeInstanceOf(CircuitBuildError);
  });

  it("gives the account slot a breakdown whose parts are registered circuits", async () => {
    const registry = await loadRegistry();
    const slot = [...registry.values()].find((s) => s.template === "AccountSlot")!;
    expect(slot.breakdown.length).toBeGreaterThan(0);
    for (const part of slot.breakdown) expect(registry.has(part.circuit)).toBe(true);
  });

  it("renders nested template arguments as circom source", () => {
    expect(renderParams([2, [1, "3"], []])).toBe("2, [1, 3], []");
  });
});

describe("constraint breakdown", () => {
  it("multiplies each part by its count and reports what the parts leave as the rest", async () => {
    const spec = {
      name: "slot",
      file: "a.circom",
      template: "Slot",
      params: [],
      publicInputs: [],
      breakdown: [
        { circuit: "update", count: 2, role: "tree updates" },
        { circuit: "sig", count: 1, role: "signature" },
      ],
    };
    const sizes: Record<string, number> = { update: 100, sig: 40 };
    const b = await constraintBreakdown(spec, 250, async (name) => sizes[name]!);
    expect(b.parts.map((p) => p.total)).toEqual([200, 40]);
    expect(b.rest).toBe(10);
    expect(formatBreakdown(b)).toMatch(/tree updates\s+\| update\s+\|\s+2 \|\s+100 \|\s+200 \|/);
  });
});

describe("main wrapper", () => {
  it("includes the template by its path from the root and marks public inputs", () => {
    const spec = {
      name: "tree",
      file: "circuits/lib/trees/inclusion.circom",
      template: "Inclusion",
      params: [4, 2],
      publicInputs: ["root", "leaf"],
    };
    const source = mainWrapperSource(spec);
    expect(source).toContain('include "circuits/lib/trees/inclusion.circom";');
    expect(source).toContain("component main {public [root, leaf]} = Inclusion(4, 2);");
  });

  it("omits the public list when there are no public inputs", () => {
    const spec = { name: "h", file: "a.circom", template: "H", params: [], publicInputs: [] };
    expect(mainWrapperSource(spec)).toContain("component main = H();");
  });

  it("includes a library's template by its path in the library", () => {
    const spec = {
      name: "p",
      file: "node_modules/circomlib/p.circom",
      template: "P",
      params: [],
      publicInputs: [],
    };
    expect(mainWrapperSource(spec)).toContain('include "circomlib/p.circom";');
  });
});

describe("sources and names", () => {
  it("follows includes transitively into circomlib", async () => {
    const sources = await collectSources(REPO_ROOT, "node_modules/circomlib/circuits/poseidon.circom", [
      "node_modules",
    ]);
    expect(sources.map((s) => s.path)).toEqual([
      "node_modules/circomlib/circuits/poseidon.circom",
      "node_modules/circomlib/circuits/poseidon_constants.circom",
    ]);
  });

  it("names verifier contracts in PascalCase", () => {
    expect(pascalName("poseidon2")).toBe("Poseidon2");
    expect(pascalName("state-transition")).toBe("StateTransition");
    expect(pascalName("reward_epoch")).toBe("RewardEpoch");
  });
});
