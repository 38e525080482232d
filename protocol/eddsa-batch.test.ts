import { describe, expect, it } from "vitest";
import { Point, toAffine } from "./babyjub.ts";
import {
  derivePublicKey,
  type SignedMessage,
  signMessage,
  verifySignature,
  verifySignatureBatch,
} from "./eddsa.ts";

const key = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (seed * 29 + i * 3 + 5) & 0xff);

function batch(n: number): SignedMessage[] {
  return Array.from({ length: n }, (_, i) => {
    const sk = key(i % 3);
    const msg = BigInt(i) * 987654321n + 11n;
    return { msg, sig: signMessage(sk, msg), pub: derivePublicKey(sk) };
  });
}

describe("EdDSA batch verification", () => {
  it("accepts a batch of valid signatures, also from keys signing repeatedly", () => {
    const items = batch(8);
    expect(verifySignatureBatch(items)).toBe(true);
    expect(verifySignatureBatch([])).toBe(true);
    for (const it of items) expect(verifySignature(it.msg, it.sig, it.pub)).toBe(true);
  });

  it("rejects a batch holding one forged signature, wherever it sits", () => {
    for (const at of [0, 3, 7]) {
      const items = batch(8);
      items[at] = { ...items[at]!, msg: items[at]!.msg + 1n };
      expect(verifySignatureBatch(items)).toBe(false);
      const swapped = batch(8);
      swapped[at] = {
        ...swapped[at]!,
        sig: { ...swapped[at]!.sig, S: (swapped[at]!.sig.S + 1n) % Point.CURVE().n },
      };
      expect(verifySignatureBatch(swapped)).toBe(false);
    }
  });

  it("rejects an R8 with a small-order component even when the random weights would cancel it", () => {
    // (0, -1) has order 2: R8 + T fails the exact check, and an even z_i would hide it from the sum.
    const T = Point.fromAffine({ x: 0n, y: Point.Fp.neg(1n) });
    const items = batch(4);
    const dirty = {
      ...items[1]!,
      sig: { ...items[1]!.sig, R8: toAffine(Point.fromAffine(items[1]!.sig.R8).add(T)) },
    };
    expect(verifySignature(dirty.msg, dirty.sig, dirty.pub)).toBe(false);
    const evenWeights = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 2 : 0x5a));
    expect(verifySignatureBatch([items[0]!, dirty, items[2]!], evenWeights)).toBe(false);
  });
});
