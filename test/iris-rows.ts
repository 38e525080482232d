import { writeFileSync } from "node:fs";
import type { DatanetMetadata } from "../protocol/datanet/metadata.ts";
import type { Dataset } from "../prover/datasets/dataset.ts";

/** The metadata of a Datanet of iris rows as `loadIris` gives them: four features, three classes. */
export const IRIS_METADATA: DatanetMetadata = {
  version: 1,
  name: "iris",
  description: "iris flowers, standardized",
  schema: { features: { count: 4, kind: "numeric" }, label: { kind: "class", classes: 3 } },
  license: 1,
};

/**
 * Writes rows `first` to `first + count - 1` of a four-feature dataset to `file` as JSONL,
 * as `openledger contribute` reads it; `label` may change a row's label (noisy rows).
 */
export function writeIrisRows(
  file: string,
  ds: Dataset,
  first: number,
  count: number,
  label: (y: number) => number = (y) => y,
): void {
  const lines = Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return JSON.stringify({ label: label(ds.y[i]!), features: Array.from(ds.x.subarray(i * 4, i * 4 + 4)) });
  });
  writeFileSync(file, `${lines.join("\n")}\n`);
}
