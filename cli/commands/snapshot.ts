import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { once } from "node:events";
import { Command } from "commander";
import { Contract, type JsonRpcProvider } from "ethers";
import { BRIDGE_ABI } from "../../bridge/bridge-abi.ts";
import { loadVerifiedSnapshot } from "../../contracts/client/snapshot-anchor.ts";
import { fieldToHex } from "../../protocol/field.ts";
import type { LoadedSnapshot } from "../../protocol/snapshot/load.ts";
import { openSnapshot } from "../../sdk/snapshot-io.ts";
import { l1Options, withL1 } from "./bridge-l1.ts";
import { chainOptions, output } from "./common.ts";
import { phase } from "./progress.ts";

/** The snapshot option's help, for the commands that start from one. */
export const SNAPSHOT_HELP =
  "start from a state snapshot instead of genesis: a node's URL (its /snapshot) or a file from `openledger snapshot fetch`; checked against L1 before use";

/**
 * The snapshot at `from`, checked against L1 (its header: chain, rollup, a finalized entry and
 * the roots L1 stores for it; its records: the root they hash to), with a bar over the records.
 * `keep` also receives every byte read, to store the snapshot as it is verified.
 */
export async function loadSnapshotWithProgress(
  from: string,
  provider: JsonRpcProvider,
  rollup: string,
  keep?: (chunk: Uint8Array) => Promise<void>,
): Promise<LoadedSnapshot> {
  const bar = phase("snapshot", "records");
  try {
    const source = await openSnapshot(from);
    async function* read() {
      for await (const chunk of source) {
        await keep?.(chunk);
        yield chunk;
      }
    }
    const loaded = await loadVerifiedSnapshot(read(), new Contract(rollup, BRIDGE_ABI, provider), {
      progress: (done, total) => bar.update(done, total, "read"),
    });
    bar.stop(`entry ${loaded.header.entry}: every record read, the root matches L1's`);
    return loaded;
  } finally {
    bar.stop();
  }
}

/** `openledger snapshot fetch`: download a node's snapshot, check it against L1, keep it. */
export function snapshotCommand(): Command {
  const fetch = l1Options(chainOptions(new Command("fetch")))
    .description(
      "download the state at the last finalized entry from a node, check it against L1 (chain, rollup, a finalized entry, its root) and write it to a file",
    )
    .requiredOption("--from <url>", "the node to download from (a sequencer run with --l1 serves /snapshot)")
    .requiredOption("--out <file>", "where to write the snapshot (written only once it checks out)")
    .option("--json", "print JSON", false)
    .action((o) =>
      withL1(o, async (provider) => {
        const partial = `${o.out}.partial`;
        const file = createWriteStream(partial);
        try {
          const loaded = await loadSnapshotWithProgress(o.from, provider, o.rollup, async (chunk) => {
            if (!file.write(chunk)) await once(file, "drain");
          });
          file.end();
          await once(file, "finish");
          await rename(partial, o.out);
          const summary = {
            entry: loaded.header.entry,
            root: fieldToHex(loaded.header.stateRoot),
            accounts: loaded.header.counters.accounts,
            out: o.out,
          };
          output(
            o.json,
            summary,
            () =>
              `snapshot of entry ${summary.entry} (state root ${summary.root}, ${summary.accounts} accounts) checked against L1 and written to ${o.out}`,
          );
        } catch (e) {
          file.destroy();
          await rm(partial, { force: true });
          throw e;
        }
      }),
    );
  return new Command("snapshot")
    .description("state snapshots at a finalized entry (docs/protocol.md §8.5)")
    .addCommand(fetch);
}
