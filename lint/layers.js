// The repository's layers, enforced: which top-level folders each folder may import from.
// A lower layer never imports a higher one, and protocol/ imports nothing outside itself
// (docs/architecture.md). Test files (*.test.ts, testing.ts, a test/ folder) may also import
// the folders named under `tests`, to start real components for their fixtures.
import { dirname, join, normalize, relative, sep } from "node:path";

const CORE = ["protocol", "circuits", "sdk", "contracts"];
const COMPONENTS = [...CORE, "sequencer", "prover", "bridge", "store", "explorer", "inference"];

/** @type {Record<string, { imports: string[]; tests?: string[] }>} */
export const LAYERS = {
  protocol: { imports: [] },
  circuits: { imports: ["protocol"] },
  sdk: { imports: ["protocol"] },
  contracts: { imports: ["protocol", "circuits"] },
  sequencer: { imports: CORE },
  store: { imports: ["protocol", "sdk"], tests: ["sequencer"] },
  prover: { imports: [...CORE, "store"] },
  bridge: { imports: CORE, tests: ["sequencer"] },
  explorer: { imports: CORE, tests: ["sequencer", "bridge"] },
  inference: { imports: [...CORE, "store", "prover"], tests: ["sequencer"] },
  cli: { imports: COMPONENTS },
  bin: { imports: ["cli"] },
  // Benchmarks and cross-component tests sit on top: they may drive anything.
  bench: { imports: [...COMPONENTS, "cli"] },
  test: { imports: [...COMPONENTS, "cli"] },
  lint: { imports: [] },
};

const isTestFile = (path) =>
  /\.test\.ts$/.test(path) || /(^|\/)testing\.ts$/.test(path) || /(^|\/)test\//.test(path);

const topFolder = (path) => (path.includes("/") ? path.split("/")[0] : undefined);

/** @type {import("eslint").Rule.RuleModule} */
const boundaries = {
  meta: {
    type: "problem",
    docs: { description: "a folder imports only from the layers below it (lint/layers.js)" },
    schema: [],
    messages: {
      upward: "{{from}}/ may not import from {{to}}/ ({{spec}}): {{from}}/ may import {{allowed}}",
      unknown: "{{from}}/ is not a layer of lint/layers.js: add it there with the folders it may import",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = relative(root, context.filename).split(sep).join("/");
    const from = topFolder(file);
    if (!from || file.startsWith("..")) return {};
    const layer = LAYERS[from];
    const check = (node, spec) => {
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = relative(root, normalize(join(dirname(context.filename), spec)))
        .split(sep)
        .join("/");
      const to = topFolder(target);
      if (!to || to === from || target.startsWith("..")) return;
      if (!layer) {
        context.report({ node, messageId: "unknown", data: { from } });
        return;
      }
      const allowed = [...layer.imports, ...(isTestFile(file) ? (layer.tests ?? []) : [])];
      if (!allowed.includes(to)) {
        const list = allowed.length === 0 ? "nothing outside itself" : allowed.map((f) => `${f}/`).join(", ");
        context.report({ node, messageId: "upward", data: { from, to, spec, allowed: list } });
      }
    };
    const fromSource = (node) => node.source && check(node, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
    };
  },
};

export default { rules: { boundaries } };
