import { describe, expect, it } from "vitest";
import { createRng } from "../datasets/random.ts";
import { gradient, hessian, objective, rowGradient, rowLoss, thetaSize } from "./head.ts";

const rng = createRng("head");
const dim = 5;
const classes = 4;
const n = 30;
const data = {
  dim,
  classes,
  f: Float64Array.from({ length: n * dim }, () => rng.normal()),
  y: Int32Array.from({ length: n }, () => rng.int(classes)),
};
const theta = Float64Array.from({ length: thetaSize(dim, classes) }, () => 0.3 * rng.normal());
const l2 = 0.01;
const eps = 1e-5;

function bump(v: Float64Array, k: number, h: number): Float64Array {
  const out = v.slice();
  out[k]! += h;
  return out;
}

describe("linear softmax head", () => {
  it("row gradient equals central finite differences of the row loss", () => {
    const x = data.f.subarray(0, dim);
    const g = rowGradient(theta, x, 2, classes);
    for (let k = 0; k < theta.length; k++) {
      const fd =
        (rowLoss(bump(theta, k, eps), x, 2, classes) - rowLoss(bump(theta, k, -eps), x, 2, classes)) /
        (2 * eps);
      expect(g[k]).toBeCloseTo(fd, 7);
    }
  });

  it("objective gradient and Hessian equal finite differences", () => {
    const g = gradient(theta, data, l2);
    const h = hessian(theta, data, l2);
    for (let k = 0; k < theta.length; k++) {
      const fd =
        (objective(bump(theta, k, eps), data, l2) - objective(bump(theta, k, -eps), data, l2)) / (2 * eps);
      expect(g[k]).toBeCloseTo(fd, 7);
      const gp = gradient(bump(theta, k, eps), data, l2);
      const gm = gradient(bump(theta, k, -eps), data, l2);
      for (let j = 0; j < theta.length; j++)
        expect(h[j * theta.length + k]).toBeCloseTo((gp[j]! - gm[j]!) / (2 * eps), 6);
    }
  });
});
