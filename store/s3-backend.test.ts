import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionCode } from "../protocol/testing.ts";
import { StoreClient } from "./client.ts";
import { StoreKey } from "./identity.ts";
import { S3Backend, type S3BackendOptions, s3CredentialsFromEnv } from "./s3-backend.ts";
import { type RunningStore, startStore } from "./server.ts";

// s3rver checks signatures against its fixed key pair.
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const PART = 5 << 20;

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 1 << 20) yield bytes.subarray(at, at + (1 << 20));
}

let dir: string;
let s3: S3rver;
let s3Options: S3BackendOptions;
let store: RunningStore<S3Backend>;
let alice: StoreClient;
let bob: StoreClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-store-s3-"));
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(dir, "s3"),
    configureBuckets: [{ name: "blobs" }],
  });
  const { port } = await s3.run();
  s3Options = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: "blobs",
    region: "us-east-1",
    prefix: "store-a/",
    forcePathStyle: true,
    credentials: CREDENTIALS,
    partBytes: PART,
  };
  const backend = await S3Backend.open(join(dir, "store"), s3Options);
  store = await startStore({ dataDir: join(dir, "store"), port: 0 }, backend);
  alice = new StoreClient(store.url, new StoreKey(new Uint8Array(32).fill(1)));
  bob = new StoreClient(store.url, new StoreKey(new Uint8Array(32).fill(2)));
});

afterAll(async () => {
  alice?.close();
  bob?.close();
  await store?.stop();
  await s3?.close();
});

/** Object keys s3rver holds for the bucket, read from its directory. */
async function objectFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  await walk(join(dir, "s3", "blobs"));
  return out;
}

describe("S3 backend against s3rver", () => {
  it("stores a blob as one object and serves it back to its readers only", async () => {
    const plain = randomBytes(200_000);
    const { blob } = await alice.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: () => pieces(plain),
    });
    expect(await store.backend.size(blob.id)).toBe(blob.size);
    expect((await objectFiles()).some((f) => f.includes(`store-a/blobs/${blob.id}`))).toBe(true);
    expect(await alice.get(blob.id)).toEqual(new Uint8Array(plain));
    expect(await rejectionCode(bob.get(blob.id))).toBe("NOT_GRANTED");
    // The staging file is gone once the object is in the bucket.
    expect(await readdir(join(dir, "store", "staging"))).toEqual([]);
  });

  it("sends a blob larger than a part as a multipart upload", async () => {
    const plain = randomBytes(2 * PART + 12_345);
    const { blob } = await alice.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: () => pieces(plain),
    });
    expect(await store.backend.size(blob.id)).toBe(blob.size);
    // Compared as buffers: a deep equality over 10 MB of elements takes seconds.
    expect(Buffer.from(await alice.get(blob.id)).equals(plain)).toBe(true);
  });

  it("knows no blob it does not hold, and opens only a bucket that exists", async () => {
    expect(await store.backend.size("ab".repeat(32))).toBeUndefined();
    await expect(
      S3Backend.open(join(dir, "other"), { ...s3Options, bucket: "missing" }),
    ).rejects.toMatchObject({
      code: "BACKEND_MISCONFIGURED",
    });
    const wrongKey = { ...s3Options, credentials: { accessKeyId: "STRANGER", secretAccessKey: "not-it" } };
    const refused = await S3Backend.open(join(dir, "other"), wrongKey).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: "BACKEND_MISCONFIGURED" });
    expect((refused as Error).message).not.toContain("not-it");
  });

  it("refuses a blob whose object was altered in the bucket", async () => {
    const plain = randomBytes(50_000);
    const { blob } = await alice.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: () => pieces(plain),
    });
    const other = await startStore(
      { dataDir: join(dir, "store-b"), port: 0 },
      await S3Backend.open(join(dir, "store-b"), s3Options),
    );
    try {
      // A second store on the same prefix overwrites the object with other bytes of the same size.
      const forged = randomBytes(blob.size);
      await other.backend.append("forge", 0, pieces(forged), () => undefined);
      await other.backend.commit("forge", blob.id);
    } finally {
      await other.stop();
    }
    expect(await rejectionCode(alice.get(blob.id))).toBe("BLOB_CORRUPT");
  });

  it("takes its credentials from the environment's variables only", () => {
    expect(s3CredentialsFromEnv({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" })).toEqual({
      accessKeyId: "a",
      secretAccessKey: "b",
    });
    expect(() => s3CredentialsFromEnv({ AWS_ACCESS_KEY_ID: "a" })).toThrow(/AWS_SECRET_ACCESS_KEY/);
  });
});
