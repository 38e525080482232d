import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionCode } from "../protocol/testing.ts";
import { StoreClient, type UploadSession } from "./client.ts";
import { StoreKey } from "./identity.ts";
import { type RunningStore, startStore } from "./server.ts";
import { DEFAULT_LIMITS } from "./service.ts";

const TTL_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 10_000) yield bytes.subarray(at, at + 10_000);
}

let dir: string;
let store: RunningStore;
let alice: StoreClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-store-expiry-"));
  store = await startStore({ dataDir: dir, port: 0, limits: { ...DEFAULT_LIMITS, uploadTtlMs: TTL_MS } });
  alice = new StoreClient(store.url, new StoreKey(new Uint8Array(32).fill(7)));
});

afterAll(async () => {
  alice?.close();
  await store?.stop();
});

const stagingFile = (uploadId: string) => join(dir, "staging", uploadId);

/** Waits until `f` holds, for at most a few TTLs (the sweep runs four times a TTL). */
async function until(f: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + 10 * TTL_MS;
  while (!(await f())) {
    if (Date.now() > end) throw new Error("condition not reached");
    await sleep(20);
  }
}

describe("upload expiry", () => {
  it("sweeps an abandoned upload, deletes its bytes and says so on resume", async () => {
    const { uploadId } = await alice.createUpload({ kind: "raw", size: 5000 });
    await alice.putChunk(uploadId, 0, randomBytes(1200));
    expect(existsSync(stagingFile(uploadId))).toBe(true);

    // The sweep, not a request, removes it: nobody touches the upload meanwhile.
    await until(() => !existsSync(stagingFile(uploadId)));
    expect(await store.service.index.getUpload(uploadId)).toBeUndefined();
    expect(await rejectionCode(alice.uploadStatus(uploadId))).toBe("UPLOAD_EXPIRED");
    expect(await rejectionCode(alice.putChunk(uploadId, 1200, randomBytes(10)))).toBe("UPLOAD_EXPIRED");
    const res = await fetch(`${store.url}/uploads/${uploadId}`);
    expect(res.status).toBe(401); // unsigned: the expiry tells nothing to strangers

    // A TTL after expiring, the upload is forgotten altogether.
    await until(async () => (await store.service.index.getExpired(uploadId)) === undefined);
    expect(await rejectionCode(alice.uploadStatus(uploadId))).toBe("NOT_FOUND");
  });

  it("keeps an upload that chunks keep reaching, past a TTL counted from its start", async () => {
    const { uploadId } = await alice.createUpload({ kind: "raw", size: 5000 });
    const started = Date.now();
    let received = 0;
    // A pause under the TTL between chunks, longer than a TTL in all.
    for (let i = 0; i < 4; i++) {
      received = await alice.putChunk(uploadId, received, randomBytes(1000));
      await sleep(TTL_MS / 2);
    }
    expect(Date.now() - started).toBeGreaterThan(TTL_MS);
    expect((await alice.uploadStatus(uploadId)).received).toBe(4000);
    expect(existsSync(stagingFile(uploadId))).toBe(true);
  });

  it("refuses to resume an upload left idle past its TTL", async () => {
    const plain = randomBytes(30_000);
    let session: UploadSession | undefined;
    await expect(
      alice.put({
        kind: "raw",
        plaintextLength: plain.length,
        chunkBytes: 10_000,
        plaintext: async function* () {
          yield* pieces(plain.subarray(0, 20_000));
          throw new Error("uploader crashed");
        },
        onSession: (s) => {
          session = s;
        },
      }),
    ).rejects.toThrow("uploader crashed");
    // Expired by the sweep, or by the service's own check if the sweep has not come yet.
    await sleep(TTL_MS + 50);
    const resumed = alice.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: () => pieces(plain),
      resume: session,
    });
    expect(await rejectionCode(resumed)).toBe("UPLOAD_EXPIRED");
    expect(existsSync(stagingFile(session!.uploadId))).toBe(false);
  });

  it("expires through the service's sweep by the clock it is given", async () => {
    const { uploadId } = await alice.createUpload({ kind: "raw", size: 5000 });
    const upload = await store.service.index.getUpload(uploadId);
    expect(await store.service.sweepUploads(upload!.touchedAt! + TTL_MS)).toBe(0);
    expect(await store.service.sweepUploads(upload!.touchedAt! + TTL_MS + 1)).toBe(1);
    expect(await store.service.index.getExpired(uploadId)).toBe(upload!.touchedAt! + TTL_MS + 1);
  });
});
