/**
 * A process that advances a finalized mirror through `finalEntries`, printing each entry
 * once it is written, to be killed with SIGKILL at any moment by mirror.test.ts.
 * Usage: advance-child.ts <dir> <entries>
 */
import { FinalizedMirror } from "../mirror.ts";
import { finalEntries, MIRROR_GENESIS } from "./entries.ts";

const [dir, count] = process.argv.slice(2);
const mirror = await FinalizedMirror.open(dir!, MIRROR_GENESIS, { cacheNodes: 64 });
for (const e of finalEntries(Number(count))) {
  if (e.record.number <= mirror.entry) continue;
  await mirror.advance(e);
  process.stdout.write(`advanced ${mirror.entry}\n`);
}
await mirror.close();
