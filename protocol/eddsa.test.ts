import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { packPoint, unpackPoint } from "./babyjub.ts";
import { derivePublicKey, signMessage, verifySignature } from "./eddsa.ts";

// @zk-kit/eddsa-poseidon is an independent implementation of circomlib's scheme; its ESM
// build fails to import on some Node versions, so load the CommonJS one.
const zk = createRequire(import.meta.url)("@zk-kit/eddsa-poseidon") as {
  derivePublicKey(sk: Uint8Array): [bigint, bigint];
  signMessage(sk: Uint8Array, msg: bigint): { R8: [bigint, bigint]; S: bigint };
  verifySignature(msg: bigint, sig: { R8: [bigint, bigint]; S: bigint }, pub: [bigint, bigint]): boolean;
};

function key(seed: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

describe("EdDSA-Poseidon", () => {
  it("matches @zk-kit/eddsa-poseidon for keys and signatures", () => {
    for (let seed = 0; seed < 4; seed++) {
      const sk = key(seed);
      const msg = BigInt(seed) * 1234567890123456789n + 42n;
      const pub = derivePublicKey(sk);
      expect([pub.x, pub.y]).toEqual(zk.derivePublicKey(sk));
      const sig = signMessage(sk, msg);
      const ref = zk.signMessage(sk, msg);
      expect([sig.R8.x, sig.R8.y, sig.S]).toEqual([ref.R8[0], ref.R8[1], ref.S]);
      expect(verifySignature(msg, sig, pub)).toBe(true);
      expect(zk.verifySignature(msg, { R8: [sig.R8.x, sig.R8.y], S: sig.S }, [pub.x, pub.y])).toBe(true);
    }
  });

  it("rejects a wrong message, a wrong key, a malleated S and points off the curve", () => {
    const sk = key(9);
    const pub = derivePublicKey(sk);
    const sig = signMessage(sk, 7n);
    expect(verifySignature(8n, sig, pub)).toBe(false);
    expect(verifySignature(7n, sig, derivePublicKey(key(10)))).toBe(false);
    expect(
      verifySignature(
        7n,
        { ...sig, S: sig.S + 2736030358979909402780800718157159386076813972158567259200215660948447373041n },
        pub,
      ),
    ).toBe(false);
    expect(verifySignature(7n, { ...sig, R8: { x: sig.R8.x, y: sig.R8.y + 1n } }, pub)).toBe(false);
    expect(verifySignature(7n, sig, { x: 1n, y: 2n })).toBe(false);
  });

  it("packs and unpacks points", () => {
    for (let seed = 0; seed < 6; seed++) {
      const pub = derivePublicKey(key(seed));
      expect(unpackPoint(packPoint(pub))).toEqual(pub);
    }
  });
});
