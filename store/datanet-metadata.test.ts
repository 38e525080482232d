import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatanetMetadata, metadataHash } from "../protocol/datanet/metadata.ts";
import { rejectionCode } from "../protocol/testing.ts";
import { StoreClient } from "./client.ts";
import { fetchMetadata, putMetadata } from "./datanet-metadata.ts";
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
  it("is readable by anyone and checked against its metadataHash", async () => {
    const { blobId, metadataHash: h } = await putMetadata(owner, META);
    expect(h).toBe(metadataHash(META));
    expect(await fetchMetadata(store.url, blobId, h)).toEqual(META);
    expect(await rejectionCode(fetchMetadata(store.url, blobId, metadataHash({ ...META, license: 1 })))).toBe(
      "METADATA_MISMATCH",
    );
    // A blob not wrapped for the public reader stays private.
    const { blob } = await owner.put({
      kind: "raw",
      plaintextLength: 2,
      plaintext: async function* () {
        yield Uint8Array.of(1, 2);
      },
    });
    expect(await rejectionCode(fetchMetadata(store.url, blob.id, h))).toBe("NOT_GRANTED");
  });
});
