import { type Command, InvalidArgumentError } from "commander";
import { DEV_DOMAIN } from "../../sequencer/config.ts";
import type { Domain } from "../../protocol/domain.ts";

/** Options shared by the commands that talk to one rollup deployment. */
export function chainOptions(cmd: Command): Command {
  return cmd
    .option("--chain-id <id>", "L1 chain id the rollup lives on", DEV_DOMAIN.chainId.toString())
    .option("--rollup <address>", "L1 rollup contract address", DEV_DOMAIN.rollup);
}

export function domainFrom(o: { chainId: string; rollup: string }): Domain {
  return { chainId: BigInt(o.chainId), rollup: o.rollup };
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

/** Prints `value` as JSON (bigints as decimal strings) or through `human`. */
export function output(json: boolean, value: unknown, human: () => string): void {
  console.log(json ? JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) : human());
}
