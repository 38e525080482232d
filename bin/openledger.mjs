#!/usr/bin/env node
// Entry point of the `openledger` CLI. The sources are TypeScript, loaded through tsx so that
// no build step stands between a checkout and a running node. `npm start`/`npx` put the
// project's pinned Node (node_modules/.bin/node) first on PATH.
import { register } from "tsx/esm/api";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `openledger needs Node >= 22.12 (this is ${process.version}). Run it through npm (npm start, npx openledger), which uses the Node pinned in package.json.`,
  );
  process.exit(1);
}
register();
const { main } = await import("../cli/main.ts");
await main(process.argv);
