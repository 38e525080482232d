import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalMetadata, type DatanetMetadata, metadataHash } from "../protocol/datanet/metadata.ts";
import { fieldToHex } from "../protocol/field.ts";
import { rejectionCode } from "../protocol/testing.ts";
import { StoreClient } from "./client.ts";
import { fetchMetadata, publicReaderKey, putMetadata } from "./datanet-metadata.ts";
import { StoreKey } from "./identity.ts";
import { type RunningStore, startStore } from "./server.ts";

const META: DatanetMetadata = {
  version: 1,
  name: "iris",
  description: "Fisher's irises: sepal and petal sizes in cm",
  schema: { features: { count: 4, kind: "numeric" }, label: { kind: "class", classes: 3 } },
  license: 0,
};

let store: RunningStore;
let owner: StoreClient;

beforeAll(async () => {
  store = await startStore({ dataDir: mkdtempSync(join(tmpdir(), "openledger-metadata-")), port: 0 });
  owner = new StoreClient(store.url, new StoreKey(new Uint8Array(32).fill(5)));
});

afterAll(async () => {
  owner?.close();
  await store?.stop();
});

describe("Datanet metadata in the store", () => {
  /** Raw bytes claiming `claimed` in the content index, for the public reader or the owner alone. */
  const putClaiming = (bytes: Uint8Array, claimed: DatanetMetadata, isPublic = true) =>
    owner.put({
      kind: "raw",
      plaintextLength: bytes.length,
      plaintext: async function* () {
        yield bytes;
      },
      readers: isPublic ? [{ identity: publicReaderKey().identity, role: "reader" }] : [],
      contentHash: fieldToHex(metadataHash(claimed)),
    });

  it("is found by its metadataHash, readable by anyone, and checked against it", async () => {
    const { metadataHash: h } = await putMetadata(owner, META);
    expect(h).toBe(metadataHash(META));
    expect(await fetchMetadata(store.url, h)).toEqual(META);
    expect(await rejectionCode(fetchMetadata(store.url, metadataHash({ ...META, license: 1 })))).toBe(
      "NOT_FOUND",
    );
    // A public blob that claims the hash without holding the document is skipped.
    const other = canonicalMetadata({ ...META, name: "not iris" });
    await putClaiming(other, META);
    expect(await fetchMetadata(store.url, h)).toEqual(META);
    const liar = { ...META, name: "liar" };
    await putClaiming(other, liar);
    expect(await rejectionCode(fetchMetadata(store.url, metadataHash(liar)))).toBe("CONTENT_MISMATCH");
    // A document stored for its owner alone is not public.
    const own = { ...META, name: "private" };
    await putClaiming(canonicalMetadata(own), own, false);
    expect(await rejectionCode(fetchMetadata(store.url, metadataHash(own)))).toBe("NOT_FOUND");
  });
});
