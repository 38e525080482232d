import { Presets, SingleBar } from "cli-progress";

/**
 * A bar on stderr while a TTY shows it; otherwise one line when the phase ends. `stop()`
 * without a summary (a failure) only clears the bar, so the error prints on its own line.
 */
export function phase(label: string, unit: string) {
  const bar = new SingleBar(
    { format: `${label} |{bar}| {value}/{total} ${unit} {detail}`, stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let state: "idle" | "running" | "done" = "idle";
  return {
    update(value: number, total: number, detail = "") {
      if (state === "done") return;
      if (state === "idle") bar.start(total, 0, { detail });
      state = "running";
      bar.setTotal(total);
      bar.update(value, { detail });
    },
    stop(summary?: string) {
      if (state === "running") bar.stop();
      if (state !== "done" && summary && !process.stderr.isTTY)
        process.stderr.write(`${label}: ${summary}\n`);
      state = "done";
    },
  };
}
