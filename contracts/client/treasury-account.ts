/**
 * ParamsRegistry's `treasuryAccount` as it stood at a given L1 log (docs/protocol.md §8.4):
 * the value `commitSettlement` folded into a settlement's public input, and so the account
 * the settlement's state transition credits. The registry keeps only the current value; its
 * history is the `TreasuryAccountChanged` events (the constructor sets none: 0 until the first).
 */
import { Contract, type EventLog } from "ethers";
import { ErrorCode, OpenLedgerError } from "../../protocol/errors.ts";

/** Where a log sits in L1's history: logs are ordered by block, then by index within the block. */
export interface LogPosition {
  readonly block: number;
  readonly logIndex: number;
}

export interface TreasuryAccountChange extends LogPosition {
  readonly account: number;
}

const before = (a: LogPosition, b: LogPosition) =>
  a.block < b.block || (a.block === b.block && a.logIndex < b.logIndex);

/**
 * The treasury account in force at `at`: the last change logged before it. Throws if there is
 * none, which L1 makes impossible for a committed settlement (`NoTreasuryAccount`) unless
 * the changes were read from a block after the registry's first one.
 */
export function treasuryAccountAt(changes: readonly TreasuryAccountChange[], at: LogPosition): number {
  let account = 0;
  let last: LogPosition | undefined;
  for (const c of changes) {
    if (before(c, at) && (!last || before(last, c))) {
      account = c.account;
      last = c;
    }
  }
  if (account === 0) {
    throw new OpenLedgerError(
      ErrorCode.StateCorrupt,
      `no treasury account was set before block ${at.block} (log ${at.logIndex}) in the changes read: read them from the deployment's block`,
    );
  }
  return account;
}

/** The `TreasuryAccountChanged` events of the registry of `rollup` (which has `params()`) in blocks `fromBlock..toBlock`. */
export async function treasuryAccountChanges(
  rollup: Contract,
  fromBlock: number,
  toBlock: number,
): Promise<TreasuryAccountChange[]> {
  const registry = new Contract(
    await rollup.getFunction("params")(),
    ["event TreasuryAccountChanged(uint32 account)"],
    rollup.runner,
  );
  const logs = await registry.queryFilter(registry.filters.TreasuryAccountChanged!(), fromBlock, toBlock);
  return logs
    .filter((l): l is EventLog => "args" in l)
    .map((l) => ({ block: l.blockNumber, logIndex: l.index, account: Number(l.args.account) }));
}
