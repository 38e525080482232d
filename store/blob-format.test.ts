import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blobSize, decryptBlob, encryptBlob, HEADER_BYTES, newBlobKey, TAG_BYTES } from "./blob-format.ts";
import { unwrapKey, wrapKey } from "./envelope.ts";
import { StoreKey } from "./identity.ts";
import { rejectionCode } from "../protocol/testing.ts";

const SEG = 64;

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

async function* pieces(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const seal = (key: Uint8Array, plain: Uint8Array) =>
  collect(encryptBlob(key, 1, plain.length, pieces(plain, 37), SEG));

describe("blob format", () => {
  it("round-trips every length around segment boundaries, at the size it announces", async () => {
    const key = newBlobKey();
    for (const n of [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG + 17, 5 * SEG]) {
      const plain = randomBytes(n);
      const stored = await seal(key, plain);
      expect(stored.length).toBe(blobSize(n, SEG));
      expect(await collect(decryptBlob(key, pieces(stored, 50)))).toEqual(plain);
    }
  });

  it("refuses every altered byte, truncation and extension", async () => {
    const key = newBlobKey();
    const plain = randomBytes(3 * SEG + 10);
    const stored = await seal(key, plain);
    for (let i = 0; i < stored.length; i += 7) {
      const bad = Buffer.from(stored);
      bad[i]! ^= 0x40;
      const code = await rejectionCode(collect(decryptBlob(key, pieces(bad, 50))));
      expect(["DECRYPT_FAILED", "INVALID_BLOB", "BLOB_TRUNCATED"]).toContain(code);
    }
    // A cut anywhere, including exactly at a segment boundary (the last segment dropped).
    for (const cut of [
      0,
      HEADER_BYTES - 1,
      HEADER_BYTES,
      HEADER_BYTES + SEG + TAG_BYTES,
      stored.length - 1,
    ]) {
      expect(await rejectionCode(collect(decryptBlob(key, pieces(stored.subarray(0, cut), 50))))).toBe(
        "BLOB_TRUNCATED",
      );
    }
    const longer = Buffer.concat([stored, Buffer.of(0)]);
    expect(await rejectionCode(collect(decryptBlob(key, pieces(longer, 50))))).toBe("INVALID_BLOB");
    expect(await rejectionCode(collect(decryptBlob(newBlobKey(), pieces(stored, 50))))).toBe(
      "DECRYPT_FAILED",
    );
  });

  it("refuses a plaintext that is not the declared length", async () => {
    const key = newBlobKey();
    expect(await rejectionCode(collect(encryptBlob(key, 0, 10, pieces(randomBytes(11), 4), SEG)))).toBe(
      "INVALID_REQUEST",
    );
    expect(await rejectionCode(collect(encryptBlob(key, 0, 10, pieces(randomBytes(9), 4), SEG)))).toBe(
      "INVALID_REQUEST",
    );
  });
});

describe("key envelopes", () => {
  it("open for the reader they were made for, on the blob they name, and no other", () => {
    const alice = new StoreKey(new Uint8Array(32).fill(1));
    const bob = new StoreKey(new Uint8Array(32).fill(2));
    const blobKey = newBlobKey();
    const blobId = randomBytes(32);
    const env = wrapKey(blobKey, alice.boxPublic, blobId);
    expect(alice.withBoxSecret((s) => unwrapKey(env, s, alice.boxPublic, blobId))).toEqual(blobKey);
    expect(() => bob.withBoxSecret((s) => unwrapKey(env, s, bob.boxPublic, blobId))).toThrow(/does not open/);
    expect(() => alice.withBoxSecret((s) => unwrapKey(env, s, alice.boxPublic, randomBytes(32)))).toThrow(
      /does not open/,
    );
    // The same L2 secret always gives the same identity.
    expect(new StoreKey(new Uint8Array(32).fill(1)).identity).toEqual(alice.identity);
  });
});
