import { fieldToHex } from "../../protocol/field.ts";
import type { InferenceVerdict, ReplayReport, ScoreDifference } from "./replay.ts";

/**
 * The replay report as a table for people: one line per inference (entry, inference, model,
 * result), a MISMATCH naming each contribution with the expected and published score, a line
 * per settlement whose published scores do not hash to its commitment, and a summary.
 */
export function replayTable(r: ReplayReport): string {
  const lines = [
    `epoch ${r.epoch}: ${r.method}, settlements read from L1 (SettlementCommitted events, commitSettlement calldata)`,
  ];
  if (r.settlements.length === 0) return [...lines, "no settlements published for this epoch"].join("\n");
  const rows = [["entry", "inference", "model", "result"]];
  for (const s of r.settlements) {
    for (const v of s.inferences)
      rows.push([String(s.entry), String(v.inference), String(s.model), result(v)]);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  lines.push(...rows.map((row) => row.map((x, c) => (c < 3 ? x.padEnd(widths[c]!) : x)).join("  ")));
  for (const s of r.settlements) {
    const c = s.commitment;
    if (c.recomputed !== c.published) {
      const hash =
        c.recomputed === undefined
          ? "nothing (they do not fit the reward circuit)"
          : fieldToHex(c.recomputed);
      lines.push(
        `entry ${s.entry}: MISMATCH: published scores hash to ${hash}, L1 committed ${fieldToHex(c.published)}`,
      );
    } else {
      lines.push(
        `entry ${s.entry}: published scores hash to its scores commitment ${fieldToHex(c.published)}`,
      );
    }
    for (const d of c.differing) lines.push(`entry ${s.entry}: MISMATCH: ${d}`);
  }
  const verdicts = r.settlements.flatMap((s) => s.inferences);
  const count = (status: InferenceVerdict["status"]) => verdicts.filter((v) => v.status === status).length;
  lines.push(
    `${verdicts.length} inferences: ${count("match")} match, ${count("mismatch")} MISMATCH, ${count("error")} not replayed`,
  );
  return lines.join("\n");
}

function result(v: InferenceVerdict): string {
  switch (v.status) {
    case "match":
      return "match";
    case "mismatch":
      return `MISMATCH ${v.differences.map(difference).join("; ")}`;
    case "error":
      return `not replayed: ${v.code}: ${v.message}`;
  }
}

function difference(d: ScoreDifference): string {
  const at = d.contribution === undefined ? "a lane past the training set" : `contribution ${d.contribution}`;
  return `${at}: expected ${d.expected ?? "no score"}, published ${d.published ?? "no score"}`;
}
