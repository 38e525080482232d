import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivePublicKey } from "../protocol/eddsa.ts";
import { DEV_DOMAIN } from "../protocol/genesis.ts";
import { TEST_PARAMS } from "../protocol/params.ts";
import { OPEN_DATANET, rejectionCode } from "../protocol/testing.ts";
import { CurationMode } from "../protocol/tx/types.ts";
import { OpenLedgerProvider } from "../sdk/provider.ts";
import { L2Wallet } from "../sdk/wallet.ts";
import { type SequencerNode, startNode } from "../sequencer/node.ts";
import { depositParam, rpc, tempDir, testKey, testNodeConfig } from "../sequencer/testing.ts";
import { proofHolds } from "./auth.ts";
import { StoreClient } from "./client.ts";
import { StoreKey } from "./identity.ts";
import { accountStoreKey, curatorReaders, grantCurators } from "./roles.ts";
import { hashRows, type RowSource, rowsContentRoot, rowsPlaintext } from "./rows.ts";
import { type RunningStore, startStore } from "./server.ts";

// Accounts 1..4 are opened with test keys 0..3: the owner, two curators, a stranger.
const OWNER = 1;
const CURATOR_A = 2;
const CURATOR_B = 3;
const STRANGER = 4;
const DATANET = 1;

let node: SequencerNode;
let provider: OpenLedgerProvider;
let store: RunningStore;
const clients = new Map<number, StoreClient>();
const as = (account: number) => clients.get(account)!;

const rows: RowSource = {
  count: 12,
  label: (i) => i % 3,
  features: (i) => [i, -i, i / 3],
};

beforeAll(async () => {
  node = await startNode(testNodeConfig(tempDir("store-roles")), pino({ level: "silent" }));
  provider = new OpenLedgerProvider(`${node.url}/rpc`);
  for (let i = 0; i < 4; i++) await rpc(node.url, "ol_submitDeposit", [depositParam(i, i, 1_000_000n)]);
  const key = testKey(0);
  const owner = new L2Wallet(
    { privateKey: key, publicKey: derivePublicKey(key) },
    OWNER,
    provider,
    DEV_DOMAIN,
    TEST_PARAMS,
  );
  await owner.createDatanet({
    ...OPEN_DATANET,
    curationMode: CurationMode.Curated,
    curators: [CURATOR_A, CURATOR_B],
  });
  store = await startStore({ dataDir: mkdtempSync(join(tmpdir(), "openledger-store-roles-")), port: 0 });
  for (let a = 1; a <= 4; a++) clients.set(a, new StoreClient(store.url, new StoreKey(testKey(a - 1))));
});

afterAll(async () => {
  for (const c of clients.values()) c.close();
  await store?.stop();
  await node?.stop();
});

async function putRows(readers: Parameters<StoreClient["put"]>[0]["readers"]) {
  const hashed = hashRows(rows);
  return as(OWNER).put({
    kind: "rows",
    plaintextLength: hashed.plaintextLength,
    plaintext: () => rowsPlaintext(rows),
    datanet: DATANET,
    rowHashes: hashed.rowHashes,
    contentRoot: rowsContentRoot(hashed.rowHashes),
    readers,
  });
}

describe("readers by L2 role", () => {
  it("maps an L2 account to the store key its holder signs with", async () => {
    const account = (await provider.getAccount(CURATOR_A))!;
    expect(accountStoreKey(account)).toBe(as(CURATOR_A).key.identity.key);
  });

  it("learns box keys from signed requests and hands them out with their proof", async () => {
    const aKey = as(CURATOR_A).key.identity;
    expect(await rejectionCode(as(OWNER).readerIdentity(aKey.key))).toBe("READER_UNKNOWN");
    // Any signed request records the caller's box key.
    await as(CURATOR_A).findByContent(`0x${"00".repeat(32)}`);
    expect(await as(OWNER).readerIdentity(aKey.key)).toEqual(aKey);
    // The proof binds the box to the account: another box does not verify under it.
    const record = await store.service.identityOf(aKey.key);
    expect(proofHolds(aKey, record.proof)).toBe(true);
    expect(proofHolds({ ...aKey, box: as(STRANGER).key.identity.box }, record.proof)).toBe(false);
    expect(proofHolds({ ...aKey, key: as(STRANGER).key.identity.key }, record.proof)).toBe(false);
  });

  it("refuses a box key the store holds without the account's signature over it", async () => {
    const sKey = as(STRANGER).key.identity;
    await as(STRANGER).findByContent(`0x${"00".repeat(32)}`);
    const record = await store.service.identityOf(sKey.key);
    // The store's directory altered (a dishonest store): the stranger's key with the owner's box.
    await store.service.index.putIdentity({ ...record, box: as(OWNER).key.identity.box });
    expect(await rejectionCode(as(OWNER).readerIdentity(sKey.key))).toBe("FORGED_IDENTITY");
    await store.service.index.putIdentity(record);
    expect(await as(OWNER).readerIdentity(sKey.key)).toEqual(sKey);
  });

  it("wraps a contribution for the Datanet's curators, and later for one the store did not know", async () => {
    const found = await curatorReaders(provider, as(OWNER), DATANET);
    // Curator A has used the store (test above); curator B has not.
    expect(found.readers.map((r) => [r.account, r.role])).toEqual([[CURATOR_A, "curator"]]);
    expect(found.unknown).toEqual([CURATOR_B]);
    const { blob } = await putRows(found.readers);

    expect((await as(CURATOR_A).blobInfo(blob.id)).envelope.role).toBe("curator");
    await as(CURATOR_A).get(blob.id);
    expect(await rejectionCode(as(CURATOR_B).get(blob.id))).toBe("NOT_GRANTED");

    // Curator B's failed read was a signed request: the store knows its box key now, and
    // the owner's grant flow reaches it. Strangers stay out.
    const later = await grantCurators(provider, as(OWNER), blob.id);
    expect(later.readers.map((r) => r.account)).toEqual([CURATOR_A, CURATOR_B]);
    expect(later.unknown).toEqual([]);
    await as(CURATOR_B).get(blob.id);
    expect(await rejectionCode(as(STRANGER).get(blob.id))).toBe("NOT_GRANTED");
    // Only the owner grants.
    expect(await rejectionCode(grantCurators(provider, as(CURATOR_A), blob.id))).toBe("NOT_OWNER");
  });
});
