import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.ts";
import { type Dataset, standardize } from "./dataset.ts";

const COLUMNS = ["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)"] as const;
const SPECIES = ["Adelie", "Chinstrap", "Gentoo"] as const;

type Penguin = Record<(typeof COLUMNS)[number], number | null> & { Species: string };

/** Palmer penguins from vega-datasets: 4 measurements, 3 species; rows with gaps dropped. */
export function loadPenguins(): Dataset {
  const root = packageRoot("vega-datasets");
  const all = JSON.parse(readFileSync(join(root, "data", "penguins.json"), "utf8")) as Penguin[];
  const rows = all.filter((p) => COLUMNS.every((c) => typeof p[c] === "number"));
  return standardize({
    name: "penguins",
    dim: COLUMNS.length,
    classes: SPECIES.length,
    x: Float64Array.from(rows.flatMap((p) => COLUMNS.map((c) => p[c] as number))),
    y: Int32Array.from(rows.map((p) => SPECIES.indexOf(p.Species as (typeof SPECIES)[number]))),
  });
}
