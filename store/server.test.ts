import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { readFile, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fieldToHex } from "../protocol/field.ts";
import { verifyRowProof } from "../protocol/provenance/content-root.ts";
import { modelHash } from "../protocol/provenance/model-hash.ts";
import { rowBytes, rowHash, rowLeaf } from "../protocol/provenance/rows.ts";
import { textContribution } from "../protocol/text/text-contribution.ts";
import { sha256Hex, signRequest } from "./auth.ts";
import { StoreClient } from "./client.ts";
import { fetchModel } from "./fetch-content.ts";
import { fetchRows } from "./fetch-rows.ts";
import { StoreKey } from "./identity.ts";
import { hashRows, proveRow, type RowSource, rowsContentRoot, rowsPlaintext, splitRows } from "./rows.ts";
import { type RunningStore, startStore } from "./server.ts";
import { DEFAULT_LIMITS } from "./service.ts";
import { rejectionCode } from "../protocol/testing.ts";

const keyOf = (i: number) =>
  new StoreKey(Uint8Array.from({ length: 32 }, (_, k) => (i * 131 + k * 7 + 1) & 0xff));

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += 100_000) yield bytes.subarray(at, at + 100_000);
}

/** Rows of width 6 whose content is fixed by (seed, i). */
function rowsOf(count: number, seed: number): RowSource {
  return {
    count,
    label: (i) => (i + seed) % 10,
    features: (i) => Array.from({ length: 6 }, (_, j) => Math.sin(seed * 1000 + i * 6 + j)),
  };
}

let dir: string;
let store: RunningStore;
let alice: StoreClient;
let bob: StoreClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "openledger-store-"));
  store = await startStore({ dataDir: dir, port: 0 });
  alice = new StoreClient(store.url, keyOf(1));
  bob = new StoreClient(store.url, keyOf(2));
});

afterAll(async () => {
  alice?.close();
  bob?.close();
  await store?.stop();
});

async function putRaw(client: StoreClient, plain: Uint8Array) {
  return client.put({ kind: "raw", plaintextLength: plain.length, plaintext: () => once(plain) });
}

describe("store server", () => {
  it("keeps a blob unreadable without a grant and readable with one", async () => {
    const plain = randomBytes(300_000);
    const { blob } = await putRaw(alice, plain);
    expect(await alice.get(blob.id)).toEqual(new Uint8Array(plain));
    expect(await rejectionCode(bob.get(blob.id))).toBe("NOT_GRANTED");
    expect(await rejectionCode(bob.readStored(blob.id, blob.size).next())).toBe("NOT_GRANTED");
    // Only the owner grants, and an envelope made for one reader opens for no other.
    expect(await rejectionCode(bob.grant(blob.id, bob.key.identity))).toBe("NOT_GRANTED");
    const { envelope } = await alice.blobInfo(blob.id);
    expect(await rejectionCode(bob.addEnvelope(blob.id, { ...envelope, reader: bob.key.identity }))).toBe(
      "NOT_OWNER",
    );
    expect(await rejectionCode(alice.grant(blob.id, bob.key.identity, "owner"))).toBe("INVALID_REQUEST");
    await alice.grant(blob.id, bob.key.identity, "prover");
    expect(await bob.get(blob.id)).toEqual(new Uint8Array(plain));
    expect((await bob.blobInfo(blob.id)).envelope.role).toBe("prover");
  });

  it("refuses a blob altered on disk, on the server and in the client", async () => {
    const { blob } = await putRaw(alice, randomBytes(200_000));
    const path = store.backend.blobPath(blob.id);
    const bytes = await readFile(path);
    bytes[150_000]! ^= 1;
    await writeFile(path, bytes);
    expect(await rejectionCode(alice.get(blob.id))).toBe("BLOB_CORRUPT");
    const url = `/blobs/${blob.id}/data`;
    const res = await fetch(`${store.url}${url}`, {
      headers: signRequest(alice.key, "GET", url, sha256Hex(Buffer.alloc(0))),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: "BLOB_CORRUPT" });
  });

  it("refuses a truncated blob", async () => {
    const { blob } = await putRaw(alice, randomBytes(200_000));
    await truncate(store.backend.blobPath(blob.id), blob.size - 1);
    expect(await rejectionCode(alice.get(blob.id))).toBe("BLOB_TRUNCATED");
  });

  it("refuses a replayed, stale, altered or unsigned request", async () => {
    const { blob } = await putRaw(alice, randomBytes(1000));
    const url = `/blobs/${blob.id}`;
    const empty = sha256Hex(Buffer.alloc(0));
    const headers = signRequest(alice.key, "GET", url, empty);
    const first = await fetch(`${store.url}${url}`, { headers });
    expect(first.status).toBe(200);
    const replay = await fetch(`${store.url}${url}`, { headers });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: "REPLAYED_REQUEST" });

    const stale = signRequest(alice.key, "GET", url, empty, Date.now() - 120_000);
    expect(await (await fetch(`${store.url}${url}`, { headers: stale })).json()).toMatchObject({
      code: "STALE_REQUEST",
    });

    // A signature for one path does not open another.
    const other = signRequest(alice.key, "GET", url, empty);
    const moved = await fetch(`${store.url}${url}/data`, { headers: other });
    expect(await moved.json()).toMatchObject({ code: "UNAUTHENTICATED" });

    // The body must be the one signed.
    const signedBody = JSON.stringify({ kind: "raw", size: 100 });
    const sent = JSON.stringify({ kind: "raw", size: 200 });
    const swapped = await fetch(`${store.url}/uploads`, {
      method: "POST",
      headers: {
        ...signRequest(alice.key, "POST", "/uploads", sha256Hex(Buffer.from(signedBody))),
        "content-type": "application/json",
      },
      body: sent,
    });
    expect(await swapped.json()).toMatchObject({ code: "BODY_HASH_MISMATCH" });

    const unsigned = await fetch(`${store.url}${url}`);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("resumes an interrupted upload and stores the same bytes", async () => {
    const plain = randomBytes(3_500_000);
    let session: { uploadId: string; blobKey: Uint8Array } | undefined;
    // The first attempt's source fails after 1.6 MB, as a crashed uploader would.
    async function* failing(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < 1_600_000; at += 100_000) yield plain.subarray(at, at + 100_000);
      throw new Error("uploader crashed");
    }
    const first = alice.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: failing,
      chunkBytes: 1 << 19,
      onSession: (s) => (session = s),
    });
    await expect(first).rejects.toThrow(/crashed/);
    const status = await alice.uploadStatus(session!.uploadId);
    expect(status.received).toBeGreaterThan(0);
    expect(status.received).toBeLessThan(status.size);
    // Bytes at the wrong offset are refused; the upload stands where it stood.
    expect(
      await rejectionCode(alice.putChunk(session!.uploadId, status.received + 1, Buffer.alloc(10))),
    ).toBe("OFFSET_MISMATCH");
    expect(await rejectionCode(bob.uploadStatus(session!.uploadId))).toBe("NOT_OWNER");
    const { blob } = await alice.put({
      kind: "raw",
      plaintextLength: plain.length,
      plaintext: () => once(plain),
      chunkBytes: 1 << 19,
      resume: session!,
    });
    expect(blob.size).toBe(status.size);
    expect(await alice.get(blob.id)).toEqual(new Uint8Array(plain));
  });

  it("refuses a chunk that is not the one signed, or larger than the server takes", async () => {
    const small = await startStore({
      dataDir: join(dir, "small"),
      port: 0,
      limits: { ...DEFAULT_LIMITS, maxChunkBytes: 1000, maxBlobBytes: 10_000 },
    });
    const client = new StoreClient(small.url, keyOf(3));
    try {
      const { uploadId } = await client.createUpload({ kind: "raw", size: 5000 });
      await client.putChunk(uploadId, 0, randomBytes(600));
      const url = `/uploads/${uploadId}/chunks?offset=600`;
      const signed = signRequest(client.key, "PUT", url, sha256Hex(Buffer.alloc(500, 1)));
      const res = await fetch(`${small.url}${url}`, {
        method: "PUT",
        headers: { ...signed, "content-type": "application/octet-stream" },
        body: Buffer.alloc(500, 2),
      });
      expect(await res.json()).toMatchObject({ code: "BODY_HASH_MISMATCH" });
      // The refused bytes are cut away again.
      expect((await client.uploadStatus(uploadId)).received).toBe(600);
      expect(await rejectionCode(client.putChunk(uploadId, 600, randomBytes(1001)))).toBe("CHUNK_TOO_LARGE");
      expect((await client.uploadStatus(uploadId)).received).toBe(600);
      expect(
        await rejectionCode(client.completeUpload(uploadId, { blobId: "0".repeat(64), envelopes: [] })),
      ).toBe("INVALID_REQUEST");
    } finally {
      client.close();
      await small.stop();
    }
  });

  it("stores a rows blob under its contentRoot and proves a row by its path", async () => {
    const rows = rowsOf(300, 1);
    const hashed = hashRows(rows);
    const root = rowsContentRoot(hashed.rowHashes);
    const put = (contentRoot: string) =>
      alice.put({
        kind: "rows",
        plaintextLength: hashed.plaintextLength,
        plaintext: () => rowsPlaintext(rows, 4096),
        datanet: 7,
        rowHashes: hashed.rowHashes,
        contentRoot,
      });
    const wrongRoot = `0x${"0".repeat(63)}1`;
    expect(await rejectionCode(put(wrongRoot))).toBe("CONTENT_ROOT_MISMATCH");
    const { blob, duplicates } = await put(root);
    expect(duplicates).toEqual([]);
    expect(blob).toMatchObject({
      kind: "rows",
      datanet: 7,
      rowCount: 300,
      contentRoot: root,
      contentHash: root,
    });

    const plain = await alice.get(blob.id);
    expect(splitRows(plain)).toHaveLength(300);
    const proof = proveRow(plain, 123);
    expect(proof.leaf).toBe(rowLeaf(rowHash(rowBytes(rows.label(123), rows.features(123)))));
    expect(verifyRowProof(BigInt(blob.contentRoot!), proof)).toBe(true);
    const other = rowLeaf(rowHash(rowBytes(rows.label(124), rows.features(124))));
    expect(verifyRowProof(BigInt(blob.contentRoot!), { ...proof, leaf: other })).toBe(false);

    // A prover with a grant reads the rows checked against the root the chain records.
    await alice.grant(blob.id, bob.key.identity, "prover");
    const fetched = await fetchRows(bob, blob.id, BigInt(root));
    expect(fetched).toMatchObject({ count: 300, dim: 6 });
    expect(fetched.labels[123]).toBe(rows.label(123));
    const q = (x: number) => Math.round(x * 65536) / 65536;
    expect(Array.from(fetched.features.subarray(123 * 6, 124 * 6))).toEqual(
      Array.from(rows.features(123), q),
    );
    expect(await rejectionCode(fetchRows(bob, blob.id, BigInt(root) + 1n))).toBe("CONTENT_ROOT_MISMATCH");
  });

  it("finds a model by its modelHash for its readers only, and skips a blob that lies about it", async () => {
    const model = randomBytes(50_000);
    const hash = modelHash(model);
    const putModel = (client: StoreClient, plain: Uint8Array) =>
      client.put({
        kind: "model",
        plaintextLength: plain.length,
        plaintext: () => once(plain),
        contentHash: fieldToHex(hash),
      });
    // Bob declares the hash for other bytes: his blob is listed to him but never accepted.
    const { blob: lie } = await putModel(bob, randomBytes(50_000));
    expect(lie.contentHash).toBe(fieldToHex(hash));
    expect(await rejectionCode(fetchModel(bob, hash))).toBe("CONTENT_MISMATCH");
    const { blob } = await putModel(alice, model);
    // Bob cannot see Alice's blob in the index until she grants it.
    expect((await bob.findByContent(fieldToHex(hash))).map((b) => b.id)).toEqual([lie.id]);
    await alice.grant(blob.id, bob.key.identity, "reader");
    const fetched = await fetchModel(bob, hash);
    expect(fetched.blob.id).toBe(blob.id);
    expect(fetched.bytes).toEqual(new Uint8Array(model));
    expect(await rejectionCode(fetchModel(alice, modelHash(randomBytes(10))))).toBe("NOT_FOUND");
    // A rows blob's content hash is its contentRoot: no other may be declared.
    const rows = rowsOf(3, 9);
    const { rowHashes, plaintextLength } = hashRows(rows);
    expect(
      await rejectionCode(
        alice.put({
          kind: "rows",
          plaintextLength,
          plaintext: () => rowsPlaintext(rows),
          datanet: 9,
          rowHashes,
          contentRoot: rowsContentRoot(rowHashes),
          contentHash: fieldToHex(hash),
        }),
      ),
    ).toBe("INVALID_REQUEST");
  });

  it("finds a blob of several contents by each of its hashes, for its readers only", async () => {
    const batch = randomBytes(3_000);
    const hashes = [1n, 2n, 3n].map((i) => fieldToHex(i * 0x1234567890abcdefn));
    const { blob } = await alice.put({
      kind: "input",
      plaintextLength: batch.length,
      plaintext: () => once(batch),
      contentHashes: hashes,
    });
    for (const h of hashes) expect((await alice.findByContent(h)).map((b) => b.id)).toEqual([blob.id]);
    expect(await alice.findByContent(fieldToHex(4n))).toEqual([]);
    expect(await bob.findByContent(hashes[1]!)).toEqual([]);
    await alice.grant(blob.id, bob.key.identity, "prover");
    expect((await bob.findByContent(hashes[2]!)).map((b) => b.id)).toEqual([blob.id]);
  });

  it("flags rows already in the Datanet at upload, and refuses them when asked", async () => {
    const base = rowsOf(50, 2);
    const first = hashRows(base);
    await alice.put({
      kind: "rows",
      plaintextLength: first.plaintextLength,
      plaintext: () => rowsPlaintext(base),
      datanet: 9,
      rowHashes: first.rowHashes,
      contentRoot: rowsContentRoot(first.rowHashes),
    });
    // Bob's rows: 20 new ones, then rows 5..9 of alice's, then his own row 0 again.
    const fresh = rowsOf(20, 3);
    const pick = (i: number): [RowSource, number] =>
      i < 20 ? [fresh, i] : i < 25 ? [base, i - 15] : [fresh, 0];
    const mixed: RowSource = {
      count: 26,
      label: (i) => pick(i)[0].label(pick(i)[1]),
      features: (i) => pick(i)[0].features(pick(i)[1]),
    };
    const hashed = hashRows(mixed);
    const upload = (datanet: number, refuseDuplicates = false) =>
      bob.put({
        kind: "rows",
        plaintextLength: hashed.plaintextLength,
        plaintext: () => rowsPlaintext(mixed),
        datanet,
        rowHashes: hashed.rowHashes,
        contentRoot: rowsContentRoot(hashed.rowHashes),
        refuseDuplicates,
      });
    expect(await rejectionCode(upload(9, true))).toBe("DUPLICATE_ROWS");
    const marked = await upload(9);
    expect(marked.duplicates).toEqual([20, 21, 22, 23, 24, 25]);
    expect(marked.blob.duplicateRows).toBe(6);
    // Another Datanet has none of them; within the upload, row 25 still repeats row 0.
    expect((await upload(10)).duplicates).toEqual([25]);
    // Bob's new rows are now in Datanet 9 too.
    const again = await bob.createUpload({
      kind: "rows",
      size: 1000,
      datanet: 9,
      rowHashes: hashed.rowHashes.subarray(0, 64),
    });
    expect(again.duplicates).toEqual([0, 1]);
  });

  it("stores a documents blob under its declared contentRoot, its documents in the duplicate index", async () => {
    const t = textContribution(["One document.", "Another one."]);
    const put = (client: StoreClient, contentRoot?: string) =>
      client.put({
        kind: "documents",
        plaintextLength: t.bytes.length,
        plaintext: () => once(t.bytes),
        datanet: 11,
        rowHashes: t.documentHashes,
        contentRoot,
      });
    // The store cannot compute a textRoot (it never sees the tokens): it must be declared.
    expect(await rejectionCode(put(alice))).toBe("INVALID_REQUEST");
    const root = fieldToHex(t.contentRoot);
    const { blob, duplicates } = await put(alice, root);
    expect(blob).toMatchObject({ kind: "documents", datanet: 11, rowCount: 2, contentRoot: root });
    expect(duplicates).toEqual([]);
    expect((await alice.findByContent(root)).map((b) => b.id)).toEqual([blob.id]);
    expect((await put(bob, root)).duplicates).toEqual([0, 1]);
    expect(await rejectionCode(alice.createUpload({ kind: "documents", size: 1000, datanet: 11 }))).toBe(
      "INVALID_REQUEST",
    );
  });

  it("keeps blobs across a restart and refuses requests signed before it", async () => {
    const plain = randomBytes(5000);
    const { blob } = await putRaw(alice, plain);
    const url = `/blobs/${blob.id}`;
    const early = signRequest(alice.key, "GET", url, sha256Hex(Buffer.alloc(0)));
    await store.stop();
    await new Promise((r) => setTimeout(r, 5));
    store = await startStore({ dataDir: dir, port: 0 });
    alice.close();
    alice = new StoreClient(store.url, alice.key);
    expect(await alice.get(blob.id)).toEqual(new Uint8Array(plain));
    expect(await (await fetch(`${store.url}${url}`, { headers: early })).json()).toMatchObject({
      code: "STALE_REQUEST",
    });
  });
});
