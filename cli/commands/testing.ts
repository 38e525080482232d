import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `openledger <args>` in its own process, its Ethereum key `ethKey` (from the environment). */
export function runCli(ethKey: string, args: string[]) {
  return run("node_modules/.bin/node", ["bin/openledger.mjs", ...args], {
    env: { ...process.env, OPENLEDGER_ETH_KEY: ethKey },
  });
}

/** The exit code and stderr of a CLI run expected to fail. */
export async function failure(p: Promise<unknown>): Promise<{ code: number; stderr: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; stderr: string };
  }
  throw new Error("the command succeeded");
}
