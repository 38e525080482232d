import { Wallet } from "ethers";
import { describe, expect, it } from "vitest";
import { signMessage, verifySignature } from "./eddsa.ts";
import { deriveL2Key, l2KeyFromSignature, l2KeyTypedData } from "./keys.ts";

const domain = { chainId: 31337n, rollup: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

describe("L2 key derivation", () => {
  it("is deterministic per wallet and domain, and differs across wallets, chains and deployments", async () => {
    const w1 = new Wallet("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const w2 = new Wallet("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
    const a = await deriveL2Key(w1, domain);
    const again = await deriveL2Key(w1, domain);
    expect(again.privateKey).toEqual(a.privateKey);
    expect(again.publicKey).toEqual(a.publicKey);
    expect((await deriveL2Key(w2, domain)).publicKey).not.toEqual(a.publicKey);
    expect((await deriveL2Key(w1, { ...domain, chainId: 1n })).publicKey).not.toEqual(a.publicKey);
    expect(
      (await deriveL2Key(w1, { ...domain, rollup: "0x0000000000000000000000000000000000000001" })).publicKey,
    ).not.toEqual(a.publicKey);
    expect((await deriveL2Key(w1, domain, 1)).publicKey).not.toEqual(a.publicKey);
  });

  it("ignores the v encoding of the wallet's signature", async () => {
    const w = Wallet.createRandom();
    const { domain: d, types, value } = l2KeyTypedData(domain);
    const sig = await w.signTypedData(d, types, value);
    const v = Number.parseInt(sig.slice(130), 16);
    const flipped = sig.slice(0, 130) + (v >= 27 ? v - 27 : v + 27).toString(16).padStart(2, "0");
    expect(l2KeyFromSignature(flipped).publicKey).toEqual(l2KeyFromSignature(sig).publicKey);
  });

  it("gives a key that signs verifiable EdDSA-Poseidon messages", async () => {
    const key = await deriveL2Key(Wallet.createRandom(), domain);
    const sig = signMessage(key.privateKey, 99n);
    expect(verifySignature(99n, sig, key.publicKey)).toBe(true);
  });
});
