import { describe, expect, it } from "vitest";
import { epochProgress } from "./epoch-progress.ts";

describe("epochProgress off a TTY", () => {
  it("logs the plan and a line per inference valued; settlements are the attributor's own lines", () => {
    expect(process.stderr.isTTY).toBeFalsy();
    const lines: string[] = [];
    const progress = epochProgress((line) => lines.push(line));
    progress.update({ kind: "planned", epoch: 2, jobs: 2, total: 3 });
    progress.update({ kind: "attributed", epoch: 2, inference: 7, done: 1, total: 3 });
    progress.update({ kind: "settled", epoch: 2, job: 1, jobs: 2, entry: 9, inferences: [7] });
    progress.stop();
    expect(lines).toEqual([
      "epoch 2: 3 inferences to settle in 2 settlements",
      "epoch 2: inference 7 valued (1/3)",
    ]);
  });
});
