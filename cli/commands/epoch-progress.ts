import type { EpochProgress } from "../../prover/epochs/attributor.ts";
import { phase } from "./progress.ts";

/**
 * The attributor's progress for people: on a TTY a bar of the epoch's inferences; otherwise
 * a log line per inference valued (the attributor logs each settlement itself). `stop()`
 * clears a bar an abort or a failure left running.
 */
export function epochProgress(log: (line: string) => void) {
  let bar: ReturnType<typeof phase> | undefined;
  return {
    update(p: EpochProgress): void {
      if (p.kind === "planned") {
        bar?.stop();
        log(`epoch ${p.epoch}: ${p.total} inferences to settle in ${p.jobs} settlements`);
        bar = process.stderr.isTTY && p.total > 0 ? phase(`epoch ${p.epoch}`, "inferences") : undefined;
      } else if (p.kind === "attributed") {
        if (bar) bar.update(p.done, p.total, `inference ${p.inference}`);
        else log(`epoch ${p.epoch}: inference ${p.inference} valued (${p.done}/${p.total})`);
      } else if (p.job === p.jobs) {
        bar?.stop();
        bar = undefined;
      }
    },
    stop(): void {
      bar?.stop();
    },
  };
}
