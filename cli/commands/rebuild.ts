import { Command, Option } from "commander";
import { Contract, type JsonRpcProvider } from "ethers";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { type Rebuilt, rebuildFromL1 } from "../../bridge/l1-entries.ts";
import { cursorHeader, type ReplayCursor, snapshotCursor } from "../../bridge/finalized-state.ts";
import { stateRecords } from "../../protocol/snapshot/format.ts";
import { snapshotChunks } from "../../protocol/snapshot/frames.ts";
import { writeSnapshotFile } from "../../sdk/snapshot-io.ts";
import { openArchive } from "../../contracts/client/blob-archive.ts";
import { fieldToHex } from "../../protocol/field.ts";
import { GENESIS_GOVERNANCE, PARAM_SETS } from "../../protocol/genesis.ts";
import { l1Options, withL1 } from "./bridge-l1.ts";
import { batchLayoutOptions, chainOptions, domainFrom, intArg, output } from "./common.ts";
import { phase } from "./progress.ts";
import { loadSnapshotWithProgress, SNAPSHOT_HELP } from "./snapshot.ts";

/** What a rebuild from L1 needs besides the L1 connection. */
/** The blob archive option's help. */
export const ARCHIVE_HELP =
  "the blob archive holding each batch's data: a sequencer's --blob-archive directory, or its /archive URL (untrusted: every blob is checked against L1)";

export interface L1RebuildOptions {
  readonly archive: string;
  readonly slots: number;
  readonly withdrawals: number;
  readonly registrySlots: number;
  readonly params: string;
  readonly chainId: string;
  readonly rollup: string;
  readonly fromBlock: number;
}

/** The layout and --params: the options of a rebuild from L1 (also `bridge exit`'s) besides --archive. */
export function l1RebuildOptions(cmd: Command): Command {
  return batchLayoutOptions(cmd).addOption(
    new Option("--params <set>", "tree sizes of the deployment (the devnet's are test)")
      .choices(Object.keys(PARAM_SETS))
      .default("test"),
  );
}

/**
 * The state after entry `upTo` (default: the last finalized one), rebuilt from L1 and the
 * blob archive with a bar over the entries; every root is checked against L1's.
 */
export async function rebuildWithProgress(
  provider: JsonRpcProvider,
  o: L1RebuildOptions,
  upTo?: number,
  from?: ReplayCursor,
): Promise<Rebuilt> {
  const bar = phase("rebuild", "entries");
  try {
    const rebuilt = await rebuildFromL1(new Contract(o.rollup, BRIDGE_ABI, provider), {
      archive: openArchive(o.archive),
      shape: { slots: o.slots, withdrawals: o.withdrawals, registrySlots: o.registrySlots },
      fromBlock: o.fromBlock,
      genesis: { domain: domainFrom(o), params: PARAM_SETS[o.params]!, governance: GENESIS_GOVERNANCE },
      upTo,
      from,
      progress: (done, total) => bar.update(done, total, "root matches L1"),
    });
    bar.stop(
      `${rebuilt.entries - (from?.entry ?? 0)} entries replayed${from ? ` after the snapshot's entry ${from.entry}` : ""}, every root matches L1`,
    );
    return rebuilt;
  } finally {
    bar.stop();
  }
}

/**
 * `openledger rebuild --l1 URL --archive DIR|URL`: the L2 state from L1 alone, without the
 * sequencer (docs/protocol.md §8.4).
 */
export function rebuildCommand(): Command {
  return l1RebuildOptions(l1Options(chainOptions(new Command("rebuild"))))
    .requiredOption("--archive <dir|url>", ARCHIVE_HELP)
    .description(
      "rebuild the L2 state from L1 alone: replay every entry from its blob (kept by a blob archive, checked against L1) and the L1 queue, each root checked against L1",
    )
    .option("--upto <entry>", "the last entry to replay (default: the last finalized one)", intArg)
    .option("--snapshot <url|file>", SNAPSHOT_HELP)
    .option(
      "--out <file>",
      "write the rebuilt state there as a snapshot (docs/protocol.md §8.5; for openledger bridge exit --state, or --snapshot)",
    )
    .option("--json", "print JSON", false)
    .action((o) =>
      withL1(o, async (provider) => {
        const from = o.snapshot
          ? snapshotCursor(await loadSnapshotWithProgress(o.snapshot, provider, o.rollup))
          : undefined;
        const { state, entries, cursor } = await rebuildWithProgress(provider, o, o.upto, from);
        const rollup = new Contract(o.rollup, BRIDGE_ABI, provider);
        const lastFinalized = Number(await rollup.getFunction("lastFinalizedBatch")());
        if (o.out) await writeSnapshotFile(o.out, snapshotChunks(cursorHeader(cursor), stateRecords(state)));
        const summary = {
          entries,
          root: fieldToHex(state.root()),
          lastFinalized,
          accounts: state.counters.accounts,
          out: o.out,
        };
        output(o.json, summary, () =>
          [
            `rebuilt ${entries} entries from ${from ? `a snapshot of entry ${from.entry} and ` : ""}L1: state root ${summary.root}${entries === lastFinalized ? ", the last finalized root" : ` (the last finalized entry is ${lastFinalized})`}`,
            `${state.counters.accounts} accounts, ${state.counters.contributions} contributions, ${state.counters.models} models, ${state.counters.inferences} inferences`,
            ...(o.out ? [`state written to ${o.out}`] : []),
          ].join("\n"),
        );
      }),
    );
}
