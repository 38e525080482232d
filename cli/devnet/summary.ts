import { relative } from "node:path";
import { HARDHAT_TEST_MNEMONIC } from "../../contracts/deploy/dev-accounts.ts";
import type { Devnet } from "./devnet.ts";

/** The block `openledger devnet` prints once everything is up. */
export function devnetSummary(devnet: Devnet): string {
  const c = devnet.deployment.contracts;
  const row = (label: string, value: string) => `  ${label.padEnd(24)}${value}`;
  return [
    "",
    "OpenLedger devnet is up",
    row("L1 RPC", `${devnet.l1.url}  (chain id ${devnet.l1.chainId})`),
    ...devnet.services.flatMap((s) => (s.url || s.about ? [row(s.name, (s.url ?? s.about)!)] : [])),
    "",
    "Contracts",
    row("OPEN token", c.token),
    row("Rollup", c.rollup),
    row("ParamsRegistry", c.paramsRegistry),
    row("Governor", c.governor),
    row("Timelock", c.timelock),
    row("Batch verifier", `${c.batchVerifier}  (circuit id ${devnet.deployment.batchCircuitId})`),
    row("Deployment file", shortPath(devnet.deploymentPath)),
    "",
    `Dev accounts (keys: Hardhat's well-known TEST mnemonic "${HARDHAT_TEST_MNEMONIC}"; never use them for value)`,
    ...devnet.accounts.map((a) => row(`#${a.index} ${a.role}`, a.address)),
    "",
    "Ctrl-C stops the devnet; its chain is kept for the next start (--fresh discards it).",
    "",
  ].join("\n");
}

/** Relative to the working directory when inside it, else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}
